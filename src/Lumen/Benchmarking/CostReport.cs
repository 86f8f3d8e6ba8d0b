using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lumen.Benchmarking;

/// <summary>The result of a <c>lumen bench</c> run: method costs and inference throughput, with what they were measured on.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Images">Images per method call.</param>
/// <param name="Threads">libtorch intra-op threads.</param>
/// <param name="Machine">Cores and operating system, for the record.</param>
/// <param name="Methods">One row per method.</param>
/// <param name="Inference">Throughput per batch size.</param>
public sealed record CostReport(string Model, int Images, int Threads, string Machine, IReadOnlyList<MethodCost> Methods, IReadOnlyList<Throughput> Inference)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The tables as Markdown (method costs, then inference throughput).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Model {Model}, {Images} image(s) per call, {Threads} threads, {Machine}. Medians; units measured in the same run."));
        text.AppendLine();
        text.AppendLine("| method | seconds | forward+backward units | forward units | settings |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in Methods)
            text.AppendLine(Invariant($"| {row.Method} | {row.Seconds:0.###} | {row.ForwardBackwardUnits:0.##} | {row.ForwardUnits:0.##} | {row.Settings} |"));
        text.AppendLine();
        text.AppendLine("| batch | seconds per batch | images per second |");
        text.AppendLine("|---|---|---|");
        foreach (var row in Inference)
            text.AppendLine(Invariant($"| {row.BatchSize} | {row.Seconds:0.####} | {row.ImagesPerSecond:0.#} |"));
        return text.ToString();
    }

    /// <summary>The report as indented JSON, derived figures included.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        model = Model,
        images = Images,
        threads = Threads,
        machine = Machine,
        methods = Methods.Select(row => new
        {
            method = row.Method,
            settings = row.Settings,
            seconds = row.Seconds,
            forwardBackwardSeconds = row.ForwardBackwardSeconds,
            forwardSeconds = row.ForwardSeconds,
            forwardBackwardUnits = row.ForwardBackwardUnits,
            forwardUnits = row.ForwardUnits,
        }),
        inference = Inference.Select(row => new { batchSize = row.BatchSize, seconds = row.Seconds, imagesPerSecond = row.ImagesPerSecond }),
    }, Indented);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
