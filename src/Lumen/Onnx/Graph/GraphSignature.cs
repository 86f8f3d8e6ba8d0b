namespace Lumen.Onnx.Graph;

/// <summary>What an imported graph declares about its input and output, and how its output is read.</summary>
/// <param name="InputName">The graph input's name.</param>
/// <param name="DeclaredInput">The input's shape as the file declares it, e.g. <c>[1, 1, 28, 28]</c> or <c>[N, 3, 224, 224]</c>.</param>
/// <param name="BatchSize">The only batch size the graph accepts (declared, or tied by shape constants), or null for any.</param>
/// <param name="OutputName">The graph output's name.</param>
/// <param name="OutputShape">The output's shape for one image, batch excluded (e.g. [512, 1, 1]); it is read as its product of scores, except per-pixel scores [K, H, W] (H·W &gt; 1), kept as a segmentation map.</param>
internal sealed record GraphSignature(string InputName, string DeclaredInput, long? BatchSize, string OutputName, long[] OutputShape)
{
    /// <summary>Whether the output is per-pixel scores [N, K, H, W] with more than one pixel (a segmentation model), kept as it is.</summary>
    public bool IsSegmentation => OutputShape.Length == 3 && OutputShape[1] * OutputShape[2] > 1;

    /// <summary>Whether the output needs flattening into [N, scores] (rank other than [N, K], and not a segmentation map).</summary>
    public bool FlattensOutput => OutputShape.Length != 1 && !IsSegmentation;

    /// <summary>The output as ONNX gives it and as it is read.</summary>
    public string OutputReading => IsSegmentation
        ? $"output [N, {OutputShape[0]}, {OutputShape[1]}, {OutputShape[2]}] read as {OutputShape[0]} class scores per pixel (segmentation)"
        : $"output [N{string.Concat(OutputShape.Select(d => $", {d}"))}] read as {OutputShape.Aggregate(1L, (a, b) => a * b)} scores";
}
