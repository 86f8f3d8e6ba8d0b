using Lumen.Imaging;

namespace Lumen.Onnx;

/// <summary>What the ONNX file itself does not say: input size when the graph leaves it open, preprocessing, labels.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>The input shape [C, H, W]; null to read it from the graph input.</summary>
    public IReadOnlyList<long>? InputShape { get; init; }

    /// <summary>How image files become input; null for [0, 1] pixels resized to the input size.</summary>
    public ImagePreprocessing? Preprocessing { get; init; }

    /// <summary>One label per class, or null to name classes by index.</summary>
    public IReadOnlyList<string>? ClassLabels { get; init; }
}
