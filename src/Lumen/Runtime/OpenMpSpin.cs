using System.Runtime.InteropServices;

namespace Lumen.Runtime;

/// <summary>
/// Shortens how long libtorch's idle OpenMP threads spin after each parallel operation, so that they give the cores
/// back to Lumen's own parallel loops (t-SNE's attraction, the FFT engine's interpolation) that run between them.
/// </summary>
/// <remarks>
/// libtorch's CPU operations run on a GNU OpenMP team whose idle threads busy-wait for the next operation: 300,000
/// pause instructions by default, milliseconds on this machine. A .NET loop that follows a libtorch operation then shares
/// its cores with a spinning thread. Measured on 2 cores: t-SNE's attraction over 11.5 M entries took 15.4–19.2 ms just
/// after a 700 × 700 FFT and 12.3–16.6 ms otherwise, and 13.7–14.7 ms after it with a spin count of 10,000; the
/// 70,000-point FFT t-SNE took 42.3 and 50.7 s by default, 38.6 and 37.1 s with it, in alternating runs; resnet18
/// inference on a batch of 32 was 0.79–0.89 s with it, 0.89–1.00 s without (<c>dotnet
/// bench/Lumen.Benchmarks/bin/Release/net10.0/Lumen.Benchmarks.dll embedding fft</c> and <c>engine 32 6</c>, with and
/// without <c>GOMP_SPINCOUNT=10000</c>).
/// </remarks>
public static class OpenMpSpin
{
    /// <summary>The spin count set: about a quarter of a millisecond of waiting, longer than the gaps between a model's operations.</summary>
    public const string SpinCount = "10000";

    /// <summary>
    /// On Linux, sets <c>GOMP_SPINCOUNT</c> to <see cref="SpinCount"/> for the OpenMP runtime that libtorch loads. It
    /// changes nothing and returns false when the user has set <c>GOMP_SPINCOUNT</c> or <c>OMP_WAIT_POLICY</c>, when the
    /// OpenMP runtime is already loaded or <c>/proc/self/maps</c> cannot tell (it reads its settings once, when loaded), or elsewhere than on Linux. Call it
    /// first thing, before any tensor exists.
    /// </summary>
    public static bool Shorten()
    {
        if (!OperatingSystem.IsLinux()
            || !ShouldSet(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"), Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), RuntimeLoaded()))
            return false;
        try
        {
            // The native environment, which the OpenMP runtime reads (Environment.SetEnvironmentVariable does not reach it).
            return setenv("GOMP_SPINCOUNT", SpinCount, 0) == 0;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether GNU OpenMP is mapped into this process; null when <c>/proc/self/maps</c> cannot be read.</summary>
    private static bool? RuntimeLoaded()
    {
        try
        {
            return File.ReadAllText("/proc/self/maps").Contains("libgomp", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether to set the spin count: neither OpenMP waiting setting is the user's, and the runtime is known not to be
    /// loaded yet (<paramref name="runtimeLoaded"/> null: unknown).
    /// </summary>
    internal static bool ShouldSet(string? spinCount, string? waitPolicy, bool? runtimeLoaded) =>
        string.IsNullOrEmpty(spinCount) && string.IsNullOrEmpty(waitPolicy) && runtimeLoaded == false;

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(string name, string value, int overwrite);
}
