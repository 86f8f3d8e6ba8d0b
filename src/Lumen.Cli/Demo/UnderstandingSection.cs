using Lumen.Data;
using Lumen.Models;
using Lumen.Reporting;
using Lumen.Understanding;

namespace Lumen.Cli.Demo;

/// <summary>The report's "what has the model learned" part: top and bottom test images per class, and class visualizations.</summary>
internal static class UnderstandingSection
{
    private const int Examples = 8;

    public static void Add(HtmlReport report, ExplainableModel model, DemoData data, CliConsole console)
    {
        var section = report.AddSection("What the clean model has learned");
        var classes = Enumerable.Range(0, data.ClassNames.Count).ToList();
        using (var test = ImageDatasets.FromTensor(data.Test.Inputs, data.Test.Labels.data<long>().ToArray(), data.ClassNames))
        {
            var ranking = DatasetTopK.Run(model, test, [.. classes.Select(Unit.ClassProbability)], Examples,
                progress: new CliProgress(console, "  ranking the test images per class"));
            section.Paragraph($"For every class, the {Examples} test images the model finds most typical (highest probability; top row) and least typical " +
                              "(lowest probability; bottom row), out of all 10,000; each caption gives the image's index, its true label and the probability.");
            section.Add(new FigureBlock(TopKFiles.Montage(ranking, ExampleCatalog.Of(test), "Top and bottom test images per class"), "Dataset examples per class (lumen top-k)", 1100));
        }

        var options = new ActivationMaximizationOptions { Parameterization = ImageParameterizationKind.Pixel, TotalVariation = 20, BlurEvery = 4 };
        var bar = new CliProgress(console, "  visualizing the classes");
        using var visualization = new ActivationMaximization(model, options)
            .Run([.. classes.Select(Unit.ClassLogit)], new ActionProgress<StepProgress>(p => bar.Report(p.Done, p.Total, $"objective {p.Objective:F2}")));
        section.Paragraph($"What input makes each class's logit largest? Gradient ascent from noise ({options.Steps} steps, Adam on the pixels, " +
                          "random jitter, scale and rotation, total-variation penalty and blur, pixels kept in [0, 1]). The number under each image is the logit it reaches.");
        var names = string.Join(", ", classes.Select(c => $"{c} {data.ClassNames[c]}"));
        section.Add(new FigureBlock(VisualizationFiles.Grid(visualization, "Class visualizations (lumen visualize)", 5), $"Classes: {names}", 700));
    }
}
