using System.CommandLine;
using Lumen.Cli.Commands;

namespace Lumen.Cli;

/// <summary>The <c>lumen</c> command: builds the command tree, runs it, and turns errors into one line and an exit code.</summary>
public static class LumenCli
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Runs the command line <paramref name="args"/>, writing to the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CancellationToken.None);

    /// <summary>
    /// Runs the command line; <paramref name="cancellation"/> (Ctrl-C) stops long runs between steps, with exit code
    /// <see cref="Interrupted"/> and one line saying that no output was written.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var console = new CliConsole(new TerminalSafeWriter(output), new TerminalSafeWriter(error)) { Cancellation = cancellation };
        output = console.Out;
        error = console.Error;
        var verbose = new Option<bool>("--verbose") { Description = "print the full stack trace when something fails", Recursive = true };
        var root = new RootCommand("Lumen explains image classifiers: which pixels drove a decision, and what the model has learned.");
        root.Add(verbose);
        var threads = new ThreadsOption();
        root.Add(threads.Option);
        var device = new DeviceOption();
        root.Add(device.Option);
        root.Add(BenchCommand.Create(console, threads, device));
        root.Add(DemoCommand.Create(console, device));
        root.Add(ExplainCommand.Create(console, device));
        root.Add(EvaluateCommand.Create(console, device));
        root.Add(EmbedCommand.Create(console, threads, device));
        root.Add(LayersCommand.Create(console, device));
        root.Add(MethodsCommand.Create(console));
        root.Add(MergeCommand.Create(console));
        root.Add(ModelsCommand.Create(console));
        root.Add(TrainCommand.Create(console, device));
        root.Add(ReportCommand.Create(console, device));
        root.Add(SprayCommand.Create(console, device));
        root.Add(TopKCommand.Create(console, device));
        root.Add(TcavCommand.Create(console, device));
        root.Add(VisualizeCommand.Create(console, device));

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"lumen: {parsed.Errors[0].Message} (see 'lumen {CommandPath(parsed)}--help')");
            return (int)ErrorKind.Usage;
        }
        try
        {
            device.Resolve(parsed); // an unknown or absent device stops every command before it starts
            using var threadCount = threads.Apply(parsed);
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException e) when (cancellation.IsCancellationRequested)
        {
            error.WriteLine();
            error.WriteLine("lumen: interrupted by Ctrl-C; nothing was written (outputs are written only once complete, previous files are untouched)");
            if (parsed.GetValue(verbose)) error.WriteLine(e);
            return Interrupted;
        }
        catch (LumenException e)
        {
            error.WriteLine($"lumen: {e.Message}");
            if (parsed.GetValue(verbose)) error.WriteLine(e);
            return (int)e.Kind;
        }
        catch (Exception e) when (OutOfMemory.Is(e))
        {
            error.WriteLine($"lumen: {OutOfMemory.Message(e)}");
            if (parsed.GetValue(verbose)) error.WriteLine(e);
            return (int)ErrorKind.Usage;
        }
        catch (Exception e)
        {
            error.WriteLine($"lumen: internal error: {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()} (run again with --verbose for the stack trace)");
            if (parsed.GetValue(verbose)) error.WriteLine(e);
            return (int)ErrorKind.Internal;
        }
    }

    private static string CommandPath(ParseResult parsed)
    {
        string name = parsed.CommandResult.Command.Name;
        return parsed.CommandResult.Command is RootCommand ? "" : name + " ";
    }
}
