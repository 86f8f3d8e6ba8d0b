using Lumen.Attributions;
using Lumen.Models;
using Lumen.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Demo;

/// <summary>The report's comparison of methods: the first test image of every class, explained for its predicted class.</summary>
internal static class ExplanationSection
{
    public static void Add(HtmlReport report, ExplainableModel model, DemoData data)
    {
        using var scope = torch.NewDisposeScope();
        var labels = data.Test.Labels.data<long>().ToArray();
        var picks = Enumerable.Range(0, data.ClassNames.Count).Select(c => Array.IndexOf(labels, (long)c)).Where(i => i >= 0).ToArray();
        var pictures = data.Test.Inputs.index_select(0, torch.tensor(picks.Select(i => (long)i).ToArray()));
        var input = pictures.to(model.Device.Torch);
        var names = picks.Select(i => $"test #{i} ({data.ClassNames[(int)labels[i]]})").ToList();
        var logits = model.Predict(input);
        var target = Target.Predicted;
        var methods = DemoMethods.Build(model);
        var attributions = MethodRunner.RunAll(methods, input, target, names);
        try
        {
            var display = pictures.expand(-1, 3, -1, -1);
            var section = report.AddSection("How each method explains the clean model")
                .Paragraph($"The first test image of every class, explained for the class the model predicts. Layer methods use layer '{DemoMethods.Layer}' (14x14). " +
                           "Signed maps: red supports the class, blue speaks against it; magnitude maps: jet, from blue (low) to red (high). Hover a map for its settings.")
                .Add(ExplanationGrid.Create(model, display, names, logits, attributions, 100))
                .Add(ExplanationGrid.MethodTable(attributions));
            FaithfulnessTable.Add(section, model, input, attributions);
        }
        finally
        {
            foreach (var attribution in attributions) attribution.Dispose();
        }
    }
}
