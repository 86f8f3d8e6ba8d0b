using System.Runtime.InteropServices;

namespace Lumen.Runtime;

/// <summary>
/// Tunes the C allocator that libtorch's CPU tensors come from, so that large tensors reuse memory instead of being
/// mapped fresh from the kernel on every pass.
/// </summary>
/// <remarks>
/// glibc serves blocks above its mmap threshold (at most 32 MB) with a fresh <c>mmap</c> and returns them with
/// <c>munmap</c>; every pass of a CNN over a batch then page-faults its activations in again (resnet18 at batch 32:
/// 100 MB per early activation). Measured on 2 cores, resnet18 inference on 32 images of 224x224, mean of 9 batches
/// in 3 alternating runs: 1.37 s per batch with 0.27 s of system time by default, 1.24 s with 0.05 s after
/// <see cref="KeepLargeBlocks"/> (<c>dotnet run -c Release --project bench/Lumen.Benchmarks -- engine 32 4</c>, with
/// and without <c>LUMEN_DEFAULT_HEAP=1</c>). The cost: freed memory stays in the
/// process for reuse (resident memory stays at its peak rather than falling back between passes).
/// </remarks>
public static class NativeHeap
{
    private const int TrimThreshold = -1; // glibc's M_TRIM_THRESHOLD
    private const int MmapMax = -4;       // glibc's M_MMAP_MAX

    /// <summary>The environment variable that, set to 1, keeps glibc's default behaviour (for comparisons).</summary>
    public const string OptOutVariable = "LUMEN_DEFAULT_HEAP";

    /// <summary>
    /// On Linux with glibc, serves every block from the heap (no per-block <c>mmap</c>) and keeps freed memory for
    /// reuse. Returns false, changing nothing, elsewhere or when <see cref="OptOutVariable"/> is 1. Call it once,
    /// before the first large tensor.
    /// </summary>
    public static bool KeepLargeBlocks()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(OptOutVariable) == "1") return false;
        try
        {
            return mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl)
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
