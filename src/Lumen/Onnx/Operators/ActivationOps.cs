using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>Element-wise activations and (log-)softmax; ReLU, LeakyReLU, ReLU6, Sigmoid, Tanh, Hardswish, Gelu (exact or tanh-approximated) and HardSigmoid with PyTorch's α = 1/6 become their modules.</summary>
internal static class ActivationOps
{
    /// <summary>Adds the family to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, Func<NodeContext, Lowering>> table)
    {
        table["Relu"] = _ => Lowering.Single(x => nn.functional.relu(x[0]!), () => nn.ReLU());
        table["Sigmoid"] = _ => Lowering.Single(x => x[0]!.sigmoid(), () => nn.Sigmoid());
        table["Tanh"] = _ => Lowering.Single(x => x[0]!.tanh(), () => nn.Tanh());
        table["HardSwish"] = _ => Lowering.Single(x => nn.functional.hardswish(x[0]!), () => nn.Hardswish());
        table["LeakyRelu"] = context =>
        {
            double slope = context.Float("alpha", 0.01f);
            return Lowering.Single(x => nn.functional.leaky_relu(x[0]!, slope), () => nn.LeakyReLU(slope));
        };
        table["PRelu"] = _ => Lowering.Single(x => torch.where(x[0]! >= 0, x[0]!, x[0]! * x[1]!));
        table["HardSigmoid"] = context =>
        {
            float alpha = context.Float("alpha", 0.2f);
            float beta = context.Float("beta", 0.5f);
            Tensor Compute(IReadOnlyList<Tensor?> x) => (x[0]! * alpha + beta).clamp(0, 1);
            // PyTorch's hardsigmoid (what it exports with α = 1/6, β = ½) is TorchSharp's Hardsigmoid module.
            return Math.Abs(alpha - 1.0 / 6) <= 1e-7 && beta == 0.5f ? Lowering.Single(Compute, () => nn.Hardsigmoid()) : Lowering.Single(Compute);
        };
        table["Gelu"] = Gelu;
        table["Clip"] = Clip;
        table["Softmax"] = context => Softmax(context, log: false);
        table["LogSoftmax"] = context => Softmax(context, log: true);
    }

    private static Lowering Gelu(NodeContext context)
    {
        string approximate = context.Text("approximate", "none");
        return approximate switch
        {
            // x Φ(x), Φ the standard normal distribution function.
            "none" => Lowering.Single(x => x[0]! * 0.5 * (1 + (x[0]! * Math.Sqrt(0.5)).erf()), () => nn.GELU()),
            "tanh" => Lowering.Single(x => x[0]! * 0.5 * (1 + ((x[0]! + x[0]!.pow(3) * 0.044715) * Math.Sqrt(2 / Math.PI)).tanh()),
                () => nn.GELU(TorchSharp.Modules.GELU.Approximate.tanh)),
            _ => throw context.Error($"approximate '{approximate}' is not supported (none or tanh)"),
        };
    }

    private static Lowering Clip(NodeContext context)
    {
        float? min, max;
        if (context.Opset < 11)
        {
            min = context.HasAttribute("min") ? context.Float("min", 0) : null;
            max = context.HasAttribute("max") ? context.Float("max", 0) : null;
        }
        else
        {
            if (context.Has(1) && context.Constant(1) is null || context.Has(2) && context.Constant(2) is null)
                throw context.Error("min and max must be constants");
            min = NodeContext.Floats(context.Constant(1))?.Single();
            max = NodeContext.Floats(context.Constant(2))?.Single();
        }
        Tensor Compute(IReadOnlyList<Tensor?> x) => x[0]!.clamp(min.HasValue ? (Scalar)min.Value : null, max.HasValue ? (Scalar)max.Value : null);
        if (min == 0f && max == 6f) return Lowering.Single(Compute, () => nn.ReLU6());
        if (min == 0f && max is null) return Lowering.Single(Compute, () => nn.ReLU());
        return Lowering.Single(Compute);
    }

    private static Lowering Softmax(NodeContext context, bool log)
    {
        long rank = context.Example(0).dim();
        if (context.Opset >= 13)
        {
            int axis = context.Axis(context.Int("axis", -1), rank);
            return Lowering.Single(x => log ? x[0]!.log_softmax(axis) : x[0]!.softmax(axis));
        }
        // Before opset 13 the input is seen as a matrix [product of dims before axis, product of the rest].
        int from = context.Axis(context.Int("axis", 1), rank);
        return Lowering.Single(x =>
        {
            Tensor flat = x[0]!.flatten(from);
            return (log ? flat.log_softmax(-1) : flat.softmax(-1)).reshape(x[0]!.shape);
        });
    }
}
