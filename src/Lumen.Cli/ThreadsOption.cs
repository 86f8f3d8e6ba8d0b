using System.CommandLine;
using TorchSharp;

namespace Lumen.Cli;

/// <summary>
/// The global <c>--threads N</c> option: how many threads libtorch's pool and Lumen's own parallel loops (t-SNE,
/// neighbour search) use; default every core. It holds for one command and is restored afterwards.
/// </summary>
public sealed class ThreadsOption
{
    /// <summary>The option, recursive so that it is accepted after any command.</summary>
    public Option<int?> Option { get; } = new("--threads")
    {
        Description = "threads for libtorch and Lumen's parallel loops (default: every core)",
        Recursive = true,
    };

    /// <summary>The thread count given (1 to the core count), or the machine's core count.</summary>
    public int Resolve(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        int cores = Environment.ProcessorCount;
        int threads = parsed.GetValue(Option) ?? cores;
        if (threads < 1) throw LumenException.Usage($"--threads must be 1 or more, got {threads}");
        // More threads than cores only makes the threads wait for each other (and thousands of them take minutes to start).
        if (threads > cores) throw LumenException.Usage($"--threads {threads} is more than the {cores} cores this machine gives the process; give 1 to {cores}");
        return threads;
    }

    /// <summary>Sets libtorch's thread count for the command; disposing restores the previous one.</summary>
    public IDisposable Apply(ParseResult parsed)
    {
        int threads = Resolve(parsed);
        int previous = torch.get_num_threads();
        torch.set_num_threads(threads);
        return new Restore(previous);
    }

    private sealed class Restore(int previous) : IDisposable
    {
        public void Dispose() => torch.set_num_threads(previous);
    }
}
