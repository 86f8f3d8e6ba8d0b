namespace Lumen.Attributions.Relevance;

/// <summary>The result of <see cref="Lrp.Explain"/>: the input relevance and the conservation report.</summary>
/// <param name="Attribution">The relevance at the input, [N, C, H, W]; the caller disposes it.</param>
/// <param name="Conservation">Relevance sums at the output, the input and (on request) every layer.</param>
public sealed record LrpResult(Attribution Attribution, ConservationReport Conservation) : IDisposable
{
    /// <summary>Disposes the attribution.</summary>
    public void Dispose() => Attribution.Dispose();
}
