namespace Lumen.Models;

/// <summary>One named layer of a model: its name (as in the state_dict), type, and output shape for one image.</summary>
/// <param name="Name">The dotted module name, e.g. <c>layer4.1.conv2</c>.</param>
/// <param name="Type">The module's type name, e.g. <c>Conv2d</c>.</param>
/// <param name="OutputShape">The output shape for one input image, batch dimension excluded; null when the layer did not run.</param>
/// <param name="SourceName">How the model file names the layer (an ONNX node and its output, which <c>--layer</c> also accepts), or null.</param>
public sealed record LayerInfo(string Name, string Type, IReadOnlyList<long>? OutputShape, string? SourceName = null)
{
    /// <summary>The output shape as text, e.g. <c>[64, 7, 7]</c>, or <c>-</c> when unknown.</summary>
    public string ShapeText => OutputShape is null ? "-" : $"[{string.Join(", ", OutputShape)}]";
}
