using TorchSharp;

namespace Lumen.Tests.Understanding;

/// <summary>
/// Runs libtorch on one thread while alive: the many small steps of activation maximization on the tiny
/// reference CNN run several times faster on one thread than on two when the test runner keeps both cores busy.
/// Only speed changes, never results.
/// </summary>
internal sealed class TorchThreads : IDisposable
{
    private readonly int previous;

    private TorchThreads(int threads)
    {
        previous = torch.get_num_threads();
        torch.set_num_threads(threads);
    }

    public static TorchThreads One() => new(1);

    public void Dispose() => torch.set_num_threads(previous);
}
