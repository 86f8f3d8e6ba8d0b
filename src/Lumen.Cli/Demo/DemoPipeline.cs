using System.Diagnostics;
using System.Globalization;
using Lumen.Reporting;
using Lumen.Shortcuts;
using Lumen.Training;

namespace Lumen.Cli.Demo;

/// <summary>
/// The main job: train a clean and a watermark ("shortcut") model on Fashion-MNIST (or load them from the
/// cache), measure and explain both, and write the self-contained report.
/// </summary>
internal static class DemoPipeline
{
    private const int Steps = 5;

    public static string Run(DemoSettings settings, CliConsole console)
    {
        settings.Training.Validate();
        settings.Shortcut.Validate();
        var clock = Stopwatch.StartNew();
        var reportPath = Path.Combine(settings.OutputFolder, "index.html");

        Step(console, 1, "reading Fashion-MNIST");
        using var data = DemoData.Load(settings.Data, settings.TrainingImages, console);
        if (settings.Shortcut.TargetClass >= data.ClassNames.Count)
        {
            throw LumenException.Usage($"--shortcut-class {settings.Shortcut.TargetClass} is not a class of the dataset (0 to {data.ClassNames.Count - 1})");
        }


        Step(console, 2, "the clean model");
        var (clean, cleanCached) = DemoModels.TrainOrLoad("clean", data.Train, settings, console);
        using var cleanModel = clean;
        var cleanAccuracy = Trainer.Accuracy(clean.Module, data.Test);
        console.Error.WriteLine($"  {(cleanCached ? "loaded from the cache" : "trained")}: test accuracy {cleanAccuracy:P2}");

        Step(console, 3, "the shortcut model (trained with the watermark)");
        var (watermarked, stamped) = ShortcutData.Watermarked(data.Train, settings.Shortcut);
        ExplainableModelWithFlag shortcutLoaded;
        using (watermarked)
        {
            var (model, cached) = DemoModels.TrainOrLoad(ShortcutKind(settings.Shortcut), watermarked, settings, console);
            shortcutLoaded = new ExplainableModelWithFlag(model, cached);
        }

        using var shortcut = shortcutLoaded.Model;
        console.Error.WriteLine($"  {(shortcutLoaded.FromCache ? "loaded from the cache" : "trained")} on {stamped.Count(s => s)} tagged training images");

        Step(console, 4, "measuring the shortcut and explaining both models");
        var findings = ShortcutSection.Measure(clean, shortcut, data, settings.Shortcut, stamped.Count(s => s));
        console.Error.WriteLine("  testing the tag as a concept (TCAV)");
        var concepts = ConceptSection.Measure(clean, shortcut, data, settings.Shortcut);

        Step(console, 5, "writing the report");
        var report = new HtmlReport("Lumen: what does a Fashion-MNIST classifier look at?",
            $"{Models.FmnistNet.Name}, trained {settings.Training.Epochs} epochs on Fashion-MNIST (test accuracy {cleanAccuracy:P1}); every method that Lumen offers for it, side by side.");
        ExplanationSection.Add(report, clean, data);
        UnderstandingSection.Add(report, clean, data, console);
        EmbeddingSection.Add(report, clean, data, console);
        ShortcutSection.Add(report, clean, shortcut, data, settings.Shortcut, findings);
        ConceptSection.Add(report, data, settings.Shortcut, concepts);
        report.Save(reportPath);

        return Summary(findings, ConceptSection.Answer(concepts, data.ClassNames[settings.Shortcut.TargetClass]), reportPath, clock.Elapsed);
    }

    /// <summary>The cache name of the shortcut model: it depends on how the training set was tagged.</summary>
    private static string ShortcutKind(ShortcutSettings s) =>
        string.Create(CultureInfo.InvariantCulture, $"shortcut-c{s.TargetClass}-t{s.TargetShare:G3}-o{s.OtherShare:G3}-w{s.Watermark.Box.Top}.{s.Watermark.Box.Left}.{s.Watermark.Box.Height}.{s.Watermark.Box.Width}-s{s.Seed}");

    private static void Step(CliConsole console, int step, string what) => console.Error.WriteLine($"[{step}/{Steps}] {what}");

    private static string Summary(ShortcutFindings findings, string concepts, string reportPath, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"clean model:    clean test accuracy {findings.Clean.CleanTest:P1}, tagged other classes {findings.Clean.StampedOthers:P1} correct, {findings.Clean.FooledShare:P1} called the tagged class"),
            string.Create(c, $"shortcut model: clean test accuracy {findings.Shortcut.CleanTest:P1}, tagged other classes {findings.Shortcut.StampedOthers:P1} correct, {findings.Shortcut.FooledShare:P1} called the tagged class"),
            string.Create(c, $"share of positive relevance in the tag box (uniform map: {findings.AreaShare:P1}), shortcut vs clean model:"),
        };
        lines.AddRange(findings.RelevanceInBox.Select(r => string.Create(c, $"  {r.Method,-22} {r.ShortcutShare,7:P1} vs {r.CleanShare,7:P1}")));
        lines.Add(concepts);
        lines.Add(string.Create(c, $"report written to {reportPath} in {elapsed.TotalSeconds:F0} s"));
        return string.Join(Environment.NewLine, lines);
    }

    private sealed record ExplainableModelWithFlag(Models.ExplainableModel Model, bool FromCache);
}
