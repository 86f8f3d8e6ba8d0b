using System.Globalization;
using System.Text.Json;
using Lumen.Imaging;

namespace Lumen.Understanding;

/// <summary>
/// The files of an activation-maximization run: one PNG and one .npy ([1, C, H, W], model input space) per unit,
/// a grid of all units, and <c>visualize.json</c> with each unit's final value, total variation and objective history.
/// </summary>
public static class VisualizationFiles
{
    /// <summary>Images smaller than this are enlarged (nearest neighbour, whole factors) in the PNGs.</summary>
    public const int MinPictureSide = 224;

    /// <summary>Unit <paramref name="u"/>'s optimised image as a picture, enlarged to at least <see cref="MinPictureSide"/> pixels.</summary>
    public static RgbImage Picture(Visualization result, int u)
    {
        var picture = RgbImage.FromTensor(result.Pixels[u]);
        int longer = Math.Max(picture.Width, picture.Height);
        return longer >= MinPictureSide ? picture : picture.ScaleNearest((MinPictureSide + longer - 1) / longer);
    }

    /// <summary>All units in a grid with each unit's name and final value under its image.</summary>
    public static RgbImage Grid(Visualization result, string title, int? columns = null)
    {
        var panels = result.Units.Select((unit, u) => new MontagePanel(
            RgbImage.FromTensor(result.Pixels[u]),
            $"{unit.Name}\n{result.FinalValues[u].ToString("G4", CultureInfo.InvariantCulture)}")).ToList();
        int perRow = columns ?? (int)Math.Ceiling(Math.Sqrt(panels.Count));
        var options = MontageOptions.Default with { Title = title, MinPanelSide = 84, CaptionFontSize = 11, Padding = 8 };
        return Montage.Create(panels, perRow, options);
    }

    /// <summary>Writes the run's summary: settings, and per unit its file stem, final value, total variation and history.</summary>
    public static void WriteSummary(string path, Visualization result, string model, ActivationMaximizationOptions options)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartObject("settings");
            json.WriteNumber("steps", options.Steps);
            json.WriteNumber("learning_rate", options.LearningRate);
            json.WriteString("optimizer", options.Rule.ToString().ToLowerInvariant());
            json.WriteString("parameterization", options.Parameterization.ToString().ToLowerInvariant());
            json.WriteString("init", options.Init.ToString().ToLowerInvariant());
            json.WriteNumber("scale", options.Scale);
            json.WriteNumber("rotation", options.Rotation);
            if (options.Jitter is int jitter) json.WriteNumber("jitter", jitter);
            json.WriteNumber("l2", options.L2);
            json.WriteNumber("tv", options.TotalVariation);
            json.WriteNumber("blur_every", options.BlurEvery);
            json.WriteBoolean("clip", options.Clip);
            json.WriteNumber("seed", options.Seed);
            json.WriteEndObject();
            json.WriteStartArray("units");
            for (int u = 0; u < result.Units.Count; u++)
            {
                json.WriteStartObject();
                json.WriteString("unit", result.Units[u].Name);
                json.WriteString("description", result.Units[u].Description);
                json.WriteNumber("final", result.FinalValues[u]);
                json.WriteNumber("total_variation", result.TotalVariation[u]);
                json.WriteStartArray("history");
                foreach (float value in result.History[u]) json.WriteNumberValue(value);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
