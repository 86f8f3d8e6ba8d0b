using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// A residual addition as a module of its own (<c>a + b</c>), so that forward hooks see it and explanation
/// methods (LRP, guided backprop, deconvnet) can change how relevance or gradients flow through the sum.
/// </summary>
/// <remarks>
/// It has no parameters or buffers, so it never changes a model's state_dict. The architectures in this
/// namespace invoke it with <c>call(residualBranch, shortcut)</c>: the first argument is the branch output
/// (the convolutions), the second the shortcut (identity or downsample).
/// </remarks>
public sealed class Addition : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates an addition module.</summary>
    /// <param name="name">The module's type name as TorchSharp reports it.</param>
    public Addition(string name = "Addition") : base(name)
    {
        RegisterComponents();
    }

    /// <summary>Returns <c>a + b</c> (a new tensor; neither input is changed).</summary>
    /// <param name="a">The residual branch.</param>
    /// <param name="b">The shortcut.</param>
    public override Tensor forward(Tensor a, Tensor b) => a + b;
}
