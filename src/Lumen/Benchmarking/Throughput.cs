namespace Lumen.Benchmarking;

/// <summary>Plain inference speed at one batch size.</summary>
/// <param name="BatchSize">Images per forward pass.</param>
/// <param name="Seconds">Median wall time of one forward pass of the batch (no gradient).</param>
public sealed record Throughput(int BatchSize, double Seconds)
{
    /// <summary>Images per second.</summary>
    public double ImagesPerSecond => BatchSize / Seconds;
}
