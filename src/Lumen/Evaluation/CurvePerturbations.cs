using Lumen.Attributions.Perturbation;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The copies along a deletion or insertion curve: copy k of an image has its first min(k · step, units) ranked
/// units (pixels or regions, all channels) taken from the "changed" image and the rest from the "start" image.
/// Deletion starts from the input and changes towards the replacement; insertion starts from the replacement and
/// reveals the input. Copies are built on request, so the batched evaluator bounds memory by one chunk.
/// </summary>
public sealed class CurvePerturbations : IPerturbations
{
    private readonly Tensor start;
    private readonly Tensor changed;
    private readonly Tensor ranks;
    private readonly long step;

    /// <summary>Creates the copies; the tensors are borrowed and must outlive this object.</summary>
    /// <param name="start">The images at k = 0, [N, C, H, W].</param>
    /// <param name="changed">What a unit becomes once its turn came, [N, C, H, W].</param>
    /// <param name="ranks">The rank of each pixel's unit, int64 [N, H * W].</param>
    /// <param name="units">The number of ranked units.</param>
    /// <param name="step">Units changed per step, at least 1.</param>
    public CurvePerturbations(Tensor start, Tensor changed, Tensor ranks, long units, long step)
    {
        if (step < 1) throw LumenException.Usage($"--step {step}: expected a positive whole number of pixels per step");
        this.start = start;
        this.changed = changed;
        this.ranks = ranks;
        this.step = step;
        Steps = (units + step - 1) / step;
        Units = units;
    }

    /// <summary>The number of steps after the start (the curve has one more point).</summary>
    public long Steps { get; }

    /// <summary>The number of ranked units.</summary>
    public long Units { get; }

    /// <inheritdoc />
    public long PerImage => Steps + 1;

    /// <inheritdoc />
    public Tensor Build(int image, long first, long count)
    {
        using var scope = NewDisposeScope();
        Tensor thresholds = (torch.arange(first, first + count, device: ranks.device) * step).clamp_max(Units).unsqueeze(1);
        Tensor mask = ranks[image].unsqueeze(0).lt(thresholds);
        long height = start.shape[2], width = start.shape[3];
        Tensor expanded = mask.reshape(count, 1, height, width);
        Tensor copies = torch.where(expanded, changed[image].unsqueeze(0), start[image].unsqueeze(0));
        return copies.MoveToOuterDisposeScope();
    }
}
