using Lumen.Cli;
using Lumen.Runtime;

NativeHeap.KeepLargeBlocks();
OpenMpSpin.Shorten();

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops the run cleanly between steps; a second one ends the process at once.
    if (interrupt.IsCancellationRequested) return;
    e.Cancel = true;
    interrupt.Cancel();
};
return LumenCli.Run(args, Console.Out, Console.Error, interrupt.Token);
