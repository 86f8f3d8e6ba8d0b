namespace Lumen.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The default-domain opset written: 13 (default) or 8 (for readers of ONNX-zoo era files).</summary>
    public int Opset { get; init; } = 13;

    /// <summary>Whether the weights are also listed as graph inputs, as ONNX-zoo (opset 8, IR 3) models do.</summary>
    public bool InitializersAsInputs { get; init; }

    /// <summary>The name of the graph input.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The name of the graph output.</summary>
    public string OutputName { get; init; } = "logits";
}
