using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lumen.Data;
using Lumen.Embedding;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>Runs <c>lumen embed</c>: gets the features, embeds them, measures, renders, then writes every file.</summary>
public static class EmbedRunner
{
    /// <summary>Trustworthiness neighbours.</summary>
    public const int QualityK = 10;

    /// <summary>Points in the fixed trustworthiness sample.</summary>
    public const int QualitySample = 5000;

    /// <summary>What dataset features are: "dataset, model layer (pooling)".</summary>
    public static string SourceOf(IImageDataset data, ExplainableModel model, string? layer, FeaturePooling pool) =>
        $"{data.Description}, {model.Name} {(layer ?? "output")} ({pool.ToString().ToLowerInvariant()})";

    /// <summary>Does the whole run; files are written only after everything has been computed.</summary>
    public static EmbedSummary Run(CliConsole console, EmbedRequest request, string? featuresPath, string? labelsPath,
        Func<ExplainableModel?> loadModel, Func<IImageDataset?> openData, string? layer, FeaturePooling pool, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(loadModel);
        ArgumentNullException.ThrowIfNull(openData);
        var clock = Stopwatch.StartNew();
        IImageDataset? data = null;
        try
        {
            FeatureMatrix features;
            long[]? labels;
            IReadOnlyList<string>? classNames = null;
            string source;
            if (featuresPath is not null)
            {
                features = ReadFeatures(featuresPath);
                labels = labelsPath is null ? null : ReadLabels(labelsPath, features.Rows);
                source = featuresPath;
                if (request.Thumbnails) throw LumenException.Usage("--thumbnails needs images: use --model and --data instead of --features.");
            }
            else
            {
                if (labelsPath is not null) throw LumenException.Usage("--labels colours a --features matrix; datasets bring their own labels.");
                data = openData() ?? throw LumenException.Usage("Give the points to embed: --features X.npy, or --model NAME with --data PATH.");
                using var model = loadModel() ?? throw LumenException.Usage("--data needs --model (and usually --weights) to compute features; or give --features X.npy.");
                var extracted = FeatureExtraction.Extract(model, data, layer, pool, batchSize, new CliProgress(console, "features"), console.Cancellation);
                features = extracted.Features;
                labels = extracted.Labels;
                classNames = extracted.ClassNames;
                source = SourceOf(data, model, layer, pool);
            }

            double extraction = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var outcome = Embed(console, request, features);
            double embedding = clock.Elapsed.TotalSeconds;
            double trust = EmbeddingQuality.Trustworthiness(outcome.Space, outcome.Coordinates, QualityK, QualitySample, 0, request.Threads);
            double? knn = labels is null ? null : EmbeddingQuality.KnnAgreement(outcome.Coordinates, labels, QualityK, request.Threads);

            string title = $"{(request.Method == "pca" ? "PCA" : $"t-SNE (perplexity {request.Perplexity:0.##})")} of {features.Rows} points: {source}";
            var plot = ScatterPlot.Render(outcome.Coordinates, labels, classNames, Shorten(title, 110));
            RgbImage? thumbs = null;
            if (request.Thumbnails && data is not null)
            {
                var dataset = data;
                thumbs = ScatterPlot.Render(outcome.Coordinates, labels, classNames, Shorten(title, 110), i => Thumbnail(dataset, i));
            }

            var files = new List<string> { "embedding.npy", "embedding.csv", "embedding.json", "embedding.png" };
            if (thumbs is not null) files.Add("embedding-thumbnails.png");
            var summary = new EmbedSummary
            {
                Method = request.Method,
                Source = source,
                Points = features.Rows,
                Features = features.Columns,
                EmbeddedFeatures = outcome.Space.Columns,
                Engine = outcome.Tsne is null ? null : EngineName(outcome.Tsne.Engine),
                Perplexity = outcome.Tsne is null ? null : request.Perplexity,
                Seed = request.Seed,
                KlDivergence = outcome.Tsne?.KlDivergence,
                KlHistory = outcome.Tsne?.KlHistory.Select(h => new[] { h.Iteration, h.Kl }).ToList(),
                Trustworthiness = trust,
                KnnAgreement = knn,
                ExplainedVarianceRatio = outcome.Pca?.ExplainedVarianceRatio,
                ExtractionSeconds = Math.Round(extraction, 3),
                EmbeddingSeconds = Math.Round(embedding, 3),
                Files = files,
            };

            using (var staged = StagedOutput.Open(request.Output))
            {
                using (var coordinates = Coordinates(outcome.Coordinates))
                {
                    NpyFile.Write(staged.PathFor("embedding.npy"), coordinates);
                }

                WriteText(staged.PathFor("embedding.csv"), Csv(outcome.Coordinates, labels, classNames));
                WriteText(staged.PathFor("embedding.json"), summary.ToJson());
                plot.SavePng(staged.PathFor("embedding.png"));
                thumbs?.SavePng(staged.PathFor("embedding-thumbnails.png"));
                staged.Commit();
            }
            return summary;
        }
        finally
        {
            data?.Dispose();
        }
    }

    /// <summary>Prints the figures as text.</summary>
    public static void WriteText(TextWriter output, EmbedSummary summary)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(summary);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"{summary.Method}{(summary.Engine is null ? "" : $" ({summary.Engine})")} of {summary.Points} points x {summary.Features} features: {summary.Source}");
        if (summary.KlDivergence is { } kl) output.WriteLine(string.Format(c, "KL divergence      {0:0.0000}", kl));
        output.WriteLine(string.Format(c, "trustworthiness    {0:0.0000}  (k = 10, up to 5,000 points)", summary.Trustworthiness));
        if (summary.KnnAgreement is { } knn) output.WriteLine(string.Format(c, "10-NN agreement    {0:0.0000}", knn));
        output.WriteLine(string.Format(c, "time               {0:0.0} s embedding, {1:0.0} s features", summary.EmbeddingSeconds, summary.ExtractionSeconds));
        output.WriteLine($"wrote {string.Join(", ", summary.Files)}");
    }

    private sealed record Outcome(double[] Coordinates, FeatureMatrix Space, TsneResult? Tsne, PcaModel? Pca);

    private static Outcome Embed(CliConsole console, EmbedRequest request, FeatureMatrix features)
    {
        if (request.Method == "pca")
        {
            var pca = PrincipalComponents.Fit(features, Math.Min(2, Math.Min(features.Rows, features.Columns)), PcaSolver.Auto, request.Seed);
            var projected = pca.Transform(features);
            var coordinates = new double[features.Rows * 2];
            for (int i = 0; i < features.Rows; i++)
            {
                coordinates[2 * i] = projected.Data[i * pca.Count];
                coordinates[2 * i + 1] = pca.Count > 1 ? projected.Data[i * pca.Count + 1] : 0;
            }

            return new Outcome(coordinates, Reduce(features, request), null, pca);
        }

        new TsneOptions { Perplexity = request.Perplexity }.Validate(features.Rows);
        PcaModel? reduction = null;
        var space = features;
        if (request.PcaDimensions > 0 && features.Columns > request.PcaDimensions)
        {
            reduction = PrincipalComponents.Fit(features, Math.Min(request.PcaDimensions, features.Rows), PcaSolver.Auto, request.Seed);
            space = reduction.Transform(features);
        }

        var progress = new CliProgress(console, "t-SNE");
        var reporter = new Reporter(p =>
        {
            if (p.Stage == "optimization") progress.Report(p.Iteration, p.TotalIterations, p.KlDivergence is { } kl ? $"KL {kl:0.000}" : "");
        });
        var options = new TsneOptions { Perplexity = request.Perplexity, Engine = request.Engine, Seed = request.Seed, Threads = request.Threads };
        var result = Tsne.Run(space, options, reporter, console.Cancellation);
        return new Outcome(result.Embedding, space, result, reduction);
    }

    private static FeatureMatrix Reduce(FeatureMatrix features, EmbedRequest request) =>
        request.PcaDimensions > 0 && features.Columns > request.PcaDimensions
            ? PrincipalComponents.Fit(features, Math.Min(request.PcaDimensions, features.Rows), PcaSolver.Auto, request.Seed).Transform(features)
            : features;

    private sealed class Reporter(Action<TsneProgress> action) : IProgress<TsneProgress>
    {
        public void Report(TsneProgress value) => action(value);
    }

    private static FeatureMatrix ReadFeatures(string path)
    {
        using var tensor = NpyFile.Read(path);
        if (tensor.dim() != 2)
        {
            throw LumenException.InputData($"Features '{path}' must be a 2-D array [N, D], not shape [{string.Join(", ", tensor.shape)}].");
        }

        if (tensor.dtype is ScalarType.Bool)
        {
            throw LumenException.InputData($"Features '{path}' are booleans; save them as float32.");
        }

        return FeatureMatrix.FromTensor(tensor);
    }

    private static long[] ReadLabels(string path, int points)
    {
        using var tensor = NpyFile.Read(path);
        if (tensor.dim() != 1 || tensor.dtype is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool)
        {
            throw LumenException.InputData($"Labels '{path}' must be a 1-D integer array with one class id per point, not {tensor.dtype} [{string.Join(", ", tensor.shape)}].");
        }

        if (tensor.shape[0] != points)
        {
            throw LumenException.InputData($"Labels '{path}' hold {tensor.shape[0]} entries for {points} feature rows; give one label per row.");
        }

        using var longs = tensor.to(ScalarType.Int64);
        return longs.data<long>().ToArray();
    }

    private static Tensor Coordinates(double[] embedding)
    {
        var values = embedding.Select(v => (float)v).ToArray();
        return tensor(values, [embedding.Length / 2, 2]);
    }

    private static string Csv(double[] embedding, long[]? labels, IReadOnlyList<string>? classNames)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder(labels is null ? "x,y\n" : "x,y,label,class\n");
        for (int i = 0; i < embedding.Length / 2; i++)
        {
            text.Append(embedding[2 * i].ToString("R", c)).Append(',').Append(embedding[2 * i + 1].ToString("R", c));
            if (labels is not null)
            {
                long label = labels[i];
                string name = classNames is not null && label >= 0 && label < classNames.Count ? classNames[(int)label] : label.ToString(c);
                text.Append(',').Append(label.ToString(c)).Append(',').Append(name.Contains(',') ? $"\"{name}\"" : name);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static void WriteText(string path, string content) => AtomicFile.WriteText(path, content);

    private static RgbImage Thumbnail(IImageDataset data, int index)
    {
        using var scope = NewDisposeScope();
        var pixels = data.LoadPixels(index, 1)[0];
        if (pixels.shape[0] == 1) pixels = pixels.expand(3, -1, -1);
        return RgbImage.FromTensor(pixels);
    }

    private static string EngineName(TsneEngine engine) => engine switch
    {
        TsneEngine.Exact => "exact",
        TsneEngine.BarnesHut => "bh",
        _ => "fft",
    };

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
