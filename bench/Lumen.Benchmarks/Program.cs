using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

Lumen.Runtime.NativeHeap.KeepLargeBlocks();
Lumen.Runtime.OpenMpSpin.Shorten();

// In-process: the benchmarks run in this already-built executable, whose libtorch natives the build prepared
// (BenchmarkDotNet's default generated project would not get the libstdc++ compatibility fix).
if (args.Length > 0 && args[0] == "fft-determinism")
{
    Lumen.Benchmarks.FftDeterminism.Run();
    return;
}

if (args.Length > 0 && args[0] == "fft-accuracy")
{
    Lumen.Benchmarks.FftAccuracy.Run();
    return;
}

if (args.Length > 0 && args[0] == "embedding-profile")
{
    Lumen.Benchmarks.EmbeddingProfile.Run();
    return;
}

if (args.Length > 0 && args[0] == "engine")
{
    Lumen.Benchmarks.EngineProfile.Run(args.Length > 1 ? int.Parse(args[1]) : 32, args.Length > 2 ? int.Parse(args[2]) : 5);
    return;
}

if (args.Length > 0 && args[0] == "perturbation-throughput")
{
    Lumen.Benchmarks.PerturbationThroughput.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "soak")
{
    Lumen.Benchmarks.SoakBenchmark.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "occlusion-incremental")
{
    Lumen.Benchmarks.IncrementalOcclusionBenchmark.Run(args);
    return;
}

if (args.Length > 0 && args[0] == "embedding")
{
    Lumen.Benchmarks.EmbeddingBenchmark.Run(args);
    return;
}

var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(6).WithIterationCount(20).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
