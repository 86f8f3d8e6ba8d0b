using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// ReLU (or ReLU6) in the forward pass, with the backward pass of a <see cref="ReluBackwardRule"/>:
/// guided: g · 1[x &gt; 0] · 1[g &gt; 0] (and 1[x &lt; 6] for ReLU6); deconvnet: max(g, 0).
/// Applied as <c>ModifiedReluFunction.apply(x, rule, isRelu6)</c> to the ReLU module's input.
/// </summary>
internal sealed class ModifiedReluFunction : torch.autograd.SingleTensorFunction<ModifiedReluFunction>
{
    public override string Name => "LumenModifiedReLU";

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var rule = (ReluBackwardRule)vars[1];
        bool relu6 = (bool)vars[2];
        ctx.save_for_backward(new List<Tensor> { input });
        ctx.save_data("rule", rule);
        ctx.save_data("relu6", relu6);
        return relu6 ? nn.functional.relu6(input) : nn.functional.relu(input);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var rule = (ReluBackwardRule)ctx.get_data("rule");
        bool relu6 = (bool)ctx.get_data("relu6");
        Tensor positive = nn.functional.relu(gradOutput);
        if (rule == ReluBackwardRule.Deconvnet) return Gradients(positive);
        Tensor input = ctx.get_saved_variables()[0];
        Tensor passes = relu6 ? input.gt(0).logical_and(input.lt(6)) : input.gt(0);
        return Gradients(positive * passes);
    }

    /// <summary>One gradient per forward argument: the input's, then nothing for the rule and the ReLU6 flag.</summary>
    private static List<Tensor> Gradients(Tensor input) => new() { input, null!, null! };
}
