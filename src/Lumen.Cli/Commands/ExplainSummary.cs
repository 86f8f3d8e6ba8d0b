using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumen.Cli.Commands;

/// <summary>What <c>lumen explain</c> did: predictions, methods with their settings, and the files written.</summary>
public sealed class ExplainSummary
{
    /// <summary>The model's name.</summary>
    [JsonPropertyName("model")] public required string Model { get; init; }

    /// <summary>What was explained, e.g. <c>predicted</c>, <c>class 3</c>, <c>3+7</c> or <c>segmentation class 2 over a mask</c>.</summary>
    [JsonPropertyName("target"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Target { get; init; }

    /// <summary>One entry per image.</summary>
    [JsonPropertyName("images")] public required IReadOnlyList<ImageSummary> Images { get; init; }

    /// <summary>One entry per method.</summary>
    [JsonPropertyName("methods")] public required IReadOnlyList<MethodSummary> Methods { get; init; }

    /// <summary>Every file written, in order.</summary>
    [JsonPropertyName("files")] public required IReadOnlyList<string> Files { get; init; }

    /// <summary>
    /// The summary as indented JSON for standard output: characters such as + in <c>3+7</c> are written as they are
    /// (quotes, backslashes and control characters are still escaped), not as \u escapes meant for HTML.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The neuron a neuron-attribution method explained (its <c>neuron</c> setting), or null.</summary>
    private string? NeuronExplained =>
        Methods.Select(m => m.Settings.TryGetValue("neuron", out string? neuron) ? neuron : null).FirstOrDefault(n => n is not null);

    /// <summary>
    /// A few lines for a person: each image's prediction, the files written, and each method's settings as used
    /// (defaults that depend on the image, such as occlusion's window, with the value chosen).
    /// </summary>
    public void WriteText(TextWriter writer)
    {
        foreach (var image in Images)
        {
            string prediction = image.Segmentation
                ? $"mostly {image.PredictedLabel} (class {image.Predicted} on {image.Probability:P1} of the pixels)"
                : $"predicted {image.PredictedLabel} (class {image.Predicted}, p = {image.Probability:F3})";
            string explained = image.Explained.All(c => c >= 0)
                ? $"explained class {string.Join("/", image.Explained.Distinct())}"
                : NeuronExplained is { } neuron ? $"explained neuron {neuron}" : $"explained {Target ?? "a function of the output"}";
            writer.WriteLine($"{image.Name}: {prediction}, {explained}");
        }
        writer.WriteLine($"{Files.Count} files written for {Methods.Count} method(s): {string.Join(", ", Methods.Select(m => m.Name))}");
        foreach (var method in Methods.Where(m => m.Settings.Count > 0))
            writer.WriteLine($"  {method.Name}: {string.Join(", ", method.Settings.Select(s => $"{s.Key}={s.Value}"))}");
    }
}

/// <summary>One image's prediction and explained class.</summary>
/// <param name="Name">The image's name (file stem, or array stem and index).</param>
/// <param name="Predicted">The predicted class (for a segmentation model, the class predicted on the most pixels).</param>
/// <param name="PredictedLabel">Its label.</param>
/// <param name="Probability">Its softmax probability (for a segmentation model, the share of pixels it is predicted on).</param>
/// <param name="Logit">Its logit (for a segmentation model, its mean logit over those pixels).</param>
/// <param name="Explained">The class each method explained (-1 for a class sum, a segmentation class or a function).</param>
/// <param name="Segmentation">Whether the model returned per-pixel logits [N, K, H, W].</param>
public sealed record ImageSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("predicted")] long Predicted,
    [property: JsonPropertyName("predicted_label")] string PredictedLabel,
    [property: JsonPropertyName("probability")] float Probability,
    [property: JsonPropertyName("logit")] float Logit,
    [property: JsonPropertyName("explained")] IReadOnlyList<long> Explained,
    [property: JsonPropertyName("segmentation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Segmentation = false);

/// <summary>One method with the settings it ran with.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="Layer">The layer of a layer method, or null.</param>
/// <param name="Settings">Its settings.</param>
/// <param name="Shape">The shape of its raw attribution array.</param>
/// <param name="Extras">Further per-image numbers the method reported (e.g. Integrated Gradients' <c>delta</c>), or null.</param>
public sealed record MethodSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("layer")] string? Layer,
    [property: JsonPropertyName("settings")] IReadOnlyDictionary<string, string> Settings,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("extras"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, IReadOnlyList<double>>? Extras = null);
