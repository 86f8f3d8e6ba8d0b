using System.Runtime.CompilerServices;
using Lumen.Models;

namespace Lumen.Runtime;

/// <summary>
/// How many inputs one forward and backward pass may take: methods that batch many gradients (integrated gradients'
/// path points, SmoothGrad's noisy copies) ask here, and the perturbation methods for their forward passes, so a large
/// model does not exhaust memory at their default batch.
/// </summary>
/// <remarks>
/// Autograd keeps every layer's output and the inputs of the operations between layers until the backward pass.
/// Measured peaks against the float32 bytes of the leaf layers' outputs per input: resnet50 about 180 MB against
/// 150 MB, an ONNX vit_b_16 about 1.2 GB against 326 MB. A pass therefore counts <see cref="BytesFactor"/> times the
/// layer outputs per input and may use <see cref="MemoryShare"/> of the memory .NET sees (physical memory, or the
/// container's limit).
/// </remarks>
public static class GradientMemory
{
    /// <summary>Share of the machine's memory one gradient pass may use.</summary>
    public const double MemoryShare = 0.4;

    /// <summary>Bytes a pass holds per input, in units of the leaf layers' output bytes.</summary>
    public const int BytesFactor = 4;

    private static readonly ConditionalWeakTable<ExplainableModel, StrongBox<long>> OutputBytes = new();

    /// <summary>The float32 bytes of all leaf layers' outputs for one input (one forward pass the first time).</summary>
    public static long LayerOutputBytes(ExplainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OutputBytes.GetValue(model, m => new StrongBox<long>(m.DescribeLayers()
            .Where(layer => layer.OutputShape is not null && !m.ResolveLayer(layer.Name).children().Any())
            .Sum(layer => 4 * layer.OutputShape!.Aggregate(1L, (size, dimension) => size * dimension)))).Value;
    }

    /// <summary>
    /// At most <paramref name="requested"/> inputs, and at most as many as fit in <see cref="MemoryShare"/> of memory;
    /// at least 1. A pass with gradients counts <see cref="BytesFactor"/> times the layer outputs per input; one without
    /// (perturbation methods) counts them once: an imported ONNX graph keeps every node's output until its forward
    /// ends (measured: swin_t, 371 MB of outputs per input, held 24 GB at 64 inputs and was killed for it).
    /// </summary>
    public static int InputsPerPass(ExplainableModel model, int requested, bool withGradients = true)
    {
        long perInput = Math.Max(1, (withGradients ? BytesFactor : 1) * LayerOutputBytes(model));
        long budget = (long)(MemoryBudget.ProcessBytes * MemoryShare);
        return (int)Math.Clamp(budget / perInput, 1, Math.Max(1, requested));
    }

    /// <summary>
    /// How many of <paramref name="copies"/> copies of a batch of <paramref name="images"/> (path points, noisy
    /// samples) one pass takes: at most <paramref name="requested"/> inputs in all and what fits in memory, at least one
    /// copy.
    /// </summary>
    public static int CopiesPerPass(ExplainableModel model, int requested, long images, int copies) =>
        (int)Math.Max(1, Math.Min(copies, InputsPerPass(model, requested) / images));
}
