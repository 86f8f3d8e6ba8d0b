namespace Lumen.Benchmarking;

/// <summary>Settings of a <see cref="CostBenchmark"/> run.</summary>
public sealed record CostOptions
{
    /// <summary>Timed runs of each method (after one untimed warm-up run); the median is reported. Default 3.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Images explained together in each method call. Default 1.</summary>
    public int Images { get; init; } = 1;

    /// <summary>Batch sizes at which plain inference throughput (images per second) is measured. Default 1, 16, 32.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 16, 32];

    /// <summary>Seed of the random input images.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the settings; throws a usage error naming the first wrong one.</summary>
    public void Validate()
    {
        if (Repeats < 1) throw LumenException.Usage($"--repeat must be 1 or more, got {Repeats}");
        if (Images < 1) throw LumenException.Usage($"--images must be 1 or more, got {Images}");
        if (BatchSizes.Count == 0 || BatchSizes.Any(b => b < 1))
            throw LumenException.Usage($"--batch-sizes must be positive whole numbers, got {string.Join(",", BatchSizes)}");
    }
}
