using System.Diagnostics;
using Lumen.Embedding;
using Lumen.Imaging;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Lumen.Benchmarks -- embedding [fft|bh|pca|all] [N]</c>: the scale
/// figures on Fashion-MNIST (train then test, pixels / 255): PCA 70,000 x 784 → 50, t-SNE with the FFT engine on all
/// points, Barnes-Hut on the first 20,000; prints times and quality (10-NN agreement, trustworthiness on 5,000 points).
/// Wall-clock single runs, not BenchmarkDotNet: a t-SNE run takes tens of seconds.
/// </summary>
public static class EmbeddingBenchmark
{
    private const string Folder = "/usr/share/datasets/fashion-mnist";

    public static void Run(string[] args)
    {
        string what = args.Length > 1 ? args[1] : "all";
        int limit = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 70000;
        var clock = Stopwatch.StartNew();
        var (pixels, labels) = Load();
        Console.WriteLine($"loaded {pixels.Rows} x {pixels.Columns} Fashion-MNIST pixels in {clock.Elapsed.TotalSeconds:0.0} s; {Environment.ProcessorCount} threads; load average {LoadAverage()}");

        clock.Restart();
        var pca = PrincipalComponents.Fit(pixels, 50, PcaSolver.Auto);
        var reduced = pca.Transform(pixels);
        Console.WriteLine($"PCA 70000 x 784 -> 50 (exact, covariance eigendecomposition): {clock.Elapsed.TotalSeconds:0.00} s; explained variance {pca.ExplainedVarianceRatio.Sum():0.000}");
        if (what is "pca" or "all")
        {
            clock.Restart();
            var randomized = PrincipalComponents.Fit(pixels, 50, PcaSolver.Randomized);
            Console.WriteLine($"PCA 70000 x 784 -> 50 (randomized SVD): {clock.Elapsed.TotalSeconds:0.00} s; explained variance {randomized.ExplainedVarianceRatio.Sum():0.000}");
        }

        if (what is "fft" or "all") Embed(reduced, labels, Math.Min(limit, reduced.Rows), TsneEngine.Fft);
        if (what is "bh" or "all") Embed(reduced, labels, Math.Min(limit, 20000), TsneEngine.BarnesHut);
        if (what is "knn") Recall(reduced);
        if (what is "hashes")
        {
            Console.WriteLine($"PCA output hash {reduced.Data.Aggregate(17L, (h, v) => h * 31 + BitConverter.SingleToInt32Bits(v)):X}");
            var sub = new FeatureMatrix(limit, reduced.Columns, reduced.Data[..(limit * reduced.Columns)]);
            var graph = NeighborSearch.Find(sub, 90, NeighborMethod.Auto, 0, 2);
            Console.WriteLine($"neighbours hash {graph.Indices.Aggregate(17L, (h, v) => h * 31 + v):X}, distances {graph.SquaredDistances.Aggregate(17L, (h, v) => h * 31 + BitConverter.SingleToInt32Bits(v)):X}");
        }
    }

    private static void Embed(FeatureMatrix all, long[] allLabels, int n, TsneEngine engine)
    {
        var data = new FeatureMatrix(n, all.Columns, all.Data[..(n * all.Columns)]);
        var labels = allLabels[..n];
        var clock = Stopwatch.StartNew();
        var progress = new Progress<TsneProgress>(p =>
        {
            if (p.KlDivergence is { } kl && p.Iteration % 250 == 0) Console.WriteLine($"  iteration {p.Iteration}: KL {kl:0.0000} ({clock.Elapsed.TotalSeconds:0.0} s)");
        });
        var result = Tsne.Run(data, new TsneOptions { Engine = engine, Seed = 0, Threads = 2 }, progress);
        var total = clock.Elapsed;
        double knn = EmbeddingQuality.KnnAgreement(result.Embedding, labels, 10);
        double trust = EmbeddingQuality.Trustworthiness(data, result.Embedding, 10, 5000, 0);
        var xs = Enumerable.Range(0, n).Select(i => result.Embedding[2 * i]).ToArray();
        var ys = Enumerable.Range(0, n).Select(i => result.Embedding[2 * i + 1]).ToArray();
        Console.WriteLine($"  extent {xs.Max() - xs.Min():0.0} x {ys.Max() - ys.Min():0.0}");
        Console.WriteLine($"t-SNE {engine} on {n} points: {total.TotalSeconds:0.0} s (neighbours + affinities + init {result.NeighborTime.TotalSeconds:0.0} s, optimisation {result.OptimizationTime.TotalSeconds:0.0} s, of which repulsion {result.RepulsionTime.TotalSeconds:0.0} s); KL {result.KlDivergence:0.000}; 10-NN agreement {knn:0.000}; trustworthiness(k=10, 5000 sample) {trust:0.0000}; load average {LoadAverage()}");
    }

    private static void Recall(FeatureMatrix data)
    {
        var clock = Stopwatch.StartNew();
        var approx = new RandomProjectionForest().Search(data, 90, 0, 2);
        Console.WriteLine($"RP forest 90-NN of {data.Rows}: {clock.Elapsed.TotalSeconds:0.0} s");
        var sample = EmbeddingQuality.Sample(data.Rows, 300, 1);
        var exact = ExactNeighbors.Search(data, 90, sample, 2);
        var approxRows = new NeighborGraph(sample.Length, 90, sample.SelectMany(i => approx.NeighborsOf(i).ToArray()).ToArray(), new float[sample.Length * 90]);
        Console.WriteLine($"recall@90 on 300 points: {approxRows.RecallAgainst(exact, Enumerable.Range(0, sample.Length).ToArray()):0.000}");
    }

    private static (FeatureMatrix Pixels, long[] Labels) Load()
    {
        using var scope = NewDisposeScope();
        var trainX = IdxFile.Read(Path.Combine(Folder, "train-images-idx3-ubyte.gz"));
        var testX = IdxFile.Read(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz"));
        var trainY = IdxFile.Read(Path.Combine(Folder, "train-labels-idx1-ubyte.gz"));
        var testY = IdxFile.Read(Path.Combine(Folder, "t10k-labels-idx1-ubyte.gz"));
        var x = cat([trainX, testX], 0).reshape(-1, 784).to(ScalarType.Float32) / 255;
        var y = cat([trainY, testY], 0).to(ScalarType.Int64);
        return (FeatureMatrix.FromTensor(x), y.data<long>().ToArray());
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }
}
