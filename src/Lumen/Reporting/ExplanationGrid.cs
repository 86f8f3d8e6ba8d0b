using Lumen.Attributions;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Reporting;

/// <summary>
/// The comparison grid of a report: one row per image (the image with its prediction), one column per method
/// (the attribution's overlay, captioned with the explained class).
/// </summary>
public static class ExplanationGrid
{
    /// <summary>Builds the grid.</summary>
    /// <param name="model">The model, for class names.</param>
    /// <param name="display">The images as shown, [N, 3, H, W] in [0, 1].</param>
    /// <param name="names">A name per image.</param>
    /// <param name="logits">The model's output for the images, [N, classes].</param>
    /// <param name="attributions">One attribution per method, each covering all N images.</param>
    /// <param name="imageWidth">Display width of each picture.</param>
    public static TableBlock Create(ExplainableModel model, Tensor display, IReadOnlyList<string> names, Tensor logits,
        IReadOnlyList<Attribution> attributions, int imageWidth = 150)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(display);
        ArgumentNullException.ThrowIfNull(attributions);
        using var scope = torch.NewDisposeScope();
        var probabilities = logits.softmax(1);
        var predicted = logits.argmax(1).cpu().data<long>().ToArray();
        var rows = new List<IReadOnlyList<ReportCell>>();
        for (var i = 0; i < names.Count; i++)
        {
            var image = display[i];
            var confidence = probabilities[i, predicted[i]].item<float>();
            var row = new List<ReportCell>
            {
                new($"{names[i]}: {model.LabelOf(predicted[i])} ({confidence:P1})", Enlarged(image)),
            };
            foreach (var attribution in attributions)
            {
                var overlay = AttributionRendering.Overlay(attribution, i, image);
                row.Add(new ReportCell(Explains(model, attribution, i), overlay, Settings(attribution)));
            }

            rows.Add(row);
        }

        return new TableBlock(["image: prediction", .. attributions.Select(a => a.Method)], rows, imageWidth);
    }

    /// <summary>What the attribution of image <paramref name="index"/> explains: a class, a neuron, or a function of the output.</summary>
    private static string Explains(ExplainableModel model, Attribution attribution, int index)
    {
        long target = attribution.Targets[index];
        if (target >= 0) return $"explains {model.LabelOf(target)}";
        return attribution.Settings.TryGetValue("neuron", out string? neuron) ? $"explains neuron {neuron}" : "explains a function of the output";
    }

    /// <summary>One line per method: its name, what it computes, and the settings it ran with.</summary>
    public static TableBlock MethodTable(IReadOnlyList<Attribution> attributions)
    {
        ArgumentNullException.ThrowIfNull(attributions);
        var rows = attributions.Select(a => (IReadOnlyList<ReportCell>)
        [
            a.Method,
            MethodCatalog.All.FirstOrDefault(m => m.Name == a.Method)?.Summary ?? "",
            Settings(a),
        ]).ToList();
        return new TableBlock(["method", "what it computes", "settings"], rows);
    }

    /// <summary>The image enlarged by nearest neighbour to at least <see cref="AttributionRendering.MinimumSide"/> pixels.</summary>
    public static RgbImage Enlarged(Tensor display)
    {
        var image = RgbImage.FromTensor(display);
        var side = Math.Min(image.Width, image.Height);
        return side >= AttributionRendering.MinimumSide ? image : image.ScaleNearest((int)Math.Ceiling(AttributionRendering.MinimumSide / (double)side));
    }

    private static string Settings(Attribution attribution)
    {
        var settings = attribution.Settings.Select(pair => $"{pair.Key}={pair.Value}");
        if (attribution.Layer is { } layer && !attribution.Settings.ContainsKey("layer")) settings = settings.Prepend($"layer={layer}");
        return string.Join(", ", settings);
    }
}
