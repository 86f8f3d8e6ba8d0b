using System.Globalization;
using Lumen.Attributions;
using Lumen.Evaluation;
using Lumen.Models;
using Lumen.Reporting;
using static TorchSharp.torch;

namespace Lumen.Cli.Demo;

/// <summary>
/// The report's faithfulness figures for the method grid: mean deletion and insertion AUC (Petsiuk et al. 2018,
/// blur replacement, predicted class probability) of each method's maps over the grid's images, next to a random map.
/// </summary>
internal static class FaithfulnessTable
{
    public static void Add(ReportSection section, ExplainableModel model, Tensor input, IReadOnlyList<Attribution> attributions)
    {
        var options = new FaithfulnessOptions();
        using var random = new RandomAttribution(model).Attribute(input, Target.Predicted);
        var rows = new List<IReadOnlyList<ReportCell>>();
        foreach (var attribution in attributions.Append(random))
        {
            using var relevance = PixelRelevance.Of(attribution, input.shape[2], input.shape[3]);
            double deletion = Faithfulness.Deletion(model, input, Target.Predicted, relevance, options).Average(c => c.Value);
            double insertion = Faithfulness.Insertion(model, input, Target.Predicted, relevance, options).Average(c => c.Value);
            rows.Add([attribution.Method, Text(deletion), Text(insertion)]);
        }

        section.Paragraph($"Are the maps faithful to the model? Deletion blurs the pixels a map ranks highest first, {input.shape[3]} at a time, " +
                          "and records the predicted class's probability; insertion reveals them on a blurred image. The numbers are areas under " +
                          "those curves, averaged over the images above: lower deletion and higher insertion mean the map found what the model uses. " +
                          "The last row is a random map, the baseline every method should beat (lumen evaluate; docs/methods/evaluation.md explains each metric).")
            .Add(new TableBlock(["method", "deletion AUC (lower is better)", "insertion AUC (higher is better)"], rows));
    }

    private static string Text(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
