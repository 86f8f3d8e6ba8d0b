using System.Globalization;
using Lumen.Data;
using Lumen.Embedding;
using Lumen.Models;
using Lumen.Reporting;

namespace Lumen.Cli.Demo;

/// <summary>The report's map of the test set: t-SNE of the clean model's penultimate features, coloured by class.</summary>
internal static class EmbeddingSection
{
    private const string Layer = "relu3";

    public static void Add(HtmlReport report, ExplainableModel model, DemoData data, CliConsole console)
    {
        var labels = data.Test.Labels.data<long>().ToArray();
        using var test = ImageDatasets.FromTensor(data.Test.Inputs, labels, data.ClassNames);
        var features = FeatureExtraction.Extract(model, test, Layer, FeaturePooling.Flatten, progress: new CliProgress(console, "  features of the test images"));
        var bar = new CliProgress(console, "  t-SNE");
        var options = new TsneOptions();
        var result = Tsne.Run(features.Features, options, new ActionProgress<TsneProgress>(p => bar.Report(p.Iteration, Math.Max(p.TotalIterations, 1), p.KlDivergence is double kl ? $"{p.Stage}  KL {kl:F3}" : p.Stage)));
        var trust = EmbeddingQuality.Trustworthiness(features.Features, result.Embedding);
        var agreement = EmbeddingQuality.KnnAgreement(result.Embedding, labels);
        var c = CultureInfo.InvariantCulture;
        var section = report.AddSection("A map of the test set (t-SNE)");
        section.Paragraph(string.Create(c,
            $"Each point is one of the {labels.Length} test images, placed by t-SNE (perplexity {options.Perplexity}, PCA initialisation, {result.Engine} engine) " +
            $"from the {features.Features.Columns} features of layer '{Layer}' of the clean model, and coloured by its true class. " +
            $"KL divergence {result.KlDivergence:F3}; trustworthiness (k = 10) {trust:F3}; the 10 nearest neighbours on the map share the point's class {agreement:P1} of the time."));
        section.Paragraph("Read it with care: t-SNE keeps neighbourhoods, not distances. Clusters that touch are classes the features confuse " +
                          "(shirts, T-shirts, pullovers and coats); the size of a cluster and the gaps between clusters mean little, and a map is no proof of anything.");
        section.Add(new FigureBlock(ScatterPlot.Render(result.Embedding, labels, data.ClassNames, $"t-SNE of {model.Name} '{Layer}' features, Fashion-MNIST test set", size: 700), "lumen embed", 800));
    }
}
