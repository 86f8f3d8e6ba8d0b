using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx;

/// <summary>
/// An ONNX model run by ONNX Runtime, wrapped as a module so that <see cref="Models.ExplainableModel"/> and the
/// perturbation methods (which only evaluate the model, batched and without gradients) use it like any other model.
/// It has no layers and no gradients: a forward pass with gradients enabled is refused with a clear message.
/// </summary>
public sealed class OnnxRuntimeModule : nn.Module<Tensor, Tensor>
{
    private readonly OnnxRuntimeSession session;
    private readonly string path;

    /// <summary>Opens <paramref name="path"/> in ONNX Runtime.</summary>
    public OnnxRuntimeModule(string path) : base("OnnxRuntime")
    {
        this.path = path;
        session = new OnnxRuntimeSession(path);
    }

    /// <summary>The perturbation methods that run on a black-box model (they only evaluate it).</summary>
    public static IReadOnlyList<string> BlackBoxMethods { get; } = new[] { "occlusion", "feature-ablation", "rise", "lime", "lime-noise", "kernel-shap" };

    /// <summary>The model's outputs for <paramref name="input"/>; refused when gradients are enabled.</summary>
    public override Tensor forward(Tensor input)
    {
        if (torch.is_grad_enabled())
            throw LumenException.Usage($"{path} runs on ONNX Runtime as a black box, which gives no gradients; use a perturbation method ({string.Join(", ", BlackBoxMethods)})");
        return session.Run(input);
    }

    /// <summary>Closes the session.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) session.Dispose();
        base.Dispose(disposing);
    }
}
