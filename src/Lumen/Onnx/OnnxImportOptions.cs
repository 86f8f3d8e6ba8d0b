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

    /// <summary>
    /// The most memory, in bytes, the import may allocate beyond the weights the file holds (the example input the
    /// graph declares, the example pass, folded constants); null for the environment variable
    /// <c>LUMEN_ONNX_IMPORT_MEMORY</c> or else 256 MiB. A model that needs more is refused with a message saying so.
    /// </summary>
    public long? MaxImportBytes { get; init; }
}
