using static TorchSharp.torch;

namespace Lumen.Onnx.Operators;

/// <summary>Computes a node's outputs from its inputs (null for omitted optional inputs).</summary>
internal delegate Tensor[] Kernel(IReadOnlyList<Tensor?> inputs);

/// <summary>
/// How one ONNX node runs in TorchSharp: a kernel that computes it from all its inputs and, where one exists, a real
/// TorchSharp module (Conv2d, Linear, ReLU, BatchNorm2d, ...) that computes it from its first input when every other
/// input is a constant, so that explanation methods dispatching on module types treat it as such.
/// </summary>
internal sealed class Lowering
{
    /// <summary>Creates a lowering.</summary>
    public Lowering(Kernel kernel, Func<nn.Module<Tensor, Tensor>>? module = null, bool shapeOnly = false)
    {
        Kernel = kernel;
        Module = module;
        ShapeOnly = shapeOnly;
    }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>Builds the equivalent module, or null.</summary>
    public Func<nn.Module<Tensor, Tensor>>? Module { get; }

    /// <summary>Whether the node only moves values (reshape, squeeze, identity): relevance passes through it unchanged.</summary>
    public bool ShapeOnly { get; }

    /// <summary>
    /// For an element-wise node of one computed input and one constant: the operation and the constant's input index
    /// (the node then imports as a <see cref="Graph.ConstantAffineLayer"/>); else null.
    /// </summary>
    public (Graph.ConstantOperation Operation, int ConstantIndex)? Affine { get; init; }

    /// <summary>A lowering whose single output is <paramref name="compute"/>.</summary>
    public static Lowering Single(Func<IReadOnlyList<Tensor?>, Tensor> compute, Func<nn.Module<Tensor, Tensor>>? module = null, bool shapeOnly = false) =>
        new(inputs => new[] { compute(inputs) }, module, shapeOnly);
}
