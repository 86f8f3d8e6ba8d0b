using System.Globalization;
using Lumen.Concepts;
using Lumen.Models;
using Lumen.Reporting;
using Lumen.Shortcuts;
using Lumen.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Demo;

/// <summary>The TCAV results of the tag concept for the tagged class, for both models.</summary>
internal sealed record ConceptFindings(TcavResult Clean, TcavResult Shortcut, string Layer, int SetSize, int ClassImages);

/// <summary>
/// The report's concept test (Kim et al. 2018): is the checkerboard tag a significant concept for the tagged class
/// of the shortcut model, and of the clean model? Concept images: test images of the other classes with the tag
/// stamped on; random sets: other, unstamped test images of those classes, so the two differ only by the tag.
/// </summary>
internal static class ConceptSection
{
    /// <summary>The layer whose activations are tested: the last convolutional block's pooled output.</summary>
    public const string Layer = "pool2";

    /// <summary>Images per concept and random set, fewer when the test set is small (at least 2).</summary>
    private const int MaxSetSize = 50;

    private const int ClassImages = 100;
    private const int Seed = 0;

    public static ConceptFindings Measure(ExplainableModel clean, ExplainableModel shortcut, DemoData data, ShortcutSettings settings)
    {
        using var scope = NewDisposeScope();
        using var others = ShortcutData.OtherClassesStamped(data.Test, settings);
        var unstampedOthers = data.Test.Inputs.index_select(0, data.Test.Labels.ne(settings.TargetClass).nonzero().view(-1));
        // The concept takes the first set, the TcavOptions.DefaultRandomRuns + 1 random sets the others: all disjoint.
        int setSize = (int)Math.Min(MaxSetSize, unstampedOthers.shape[0] / (TcavOptions.DefaultRandomRuns + 2));
        var classIndices = data.Test.Labels.eq(settings.TargetClass).nonzero().view(-1);
        if (setSize < 2 || classIndices.shape[0] < 1)
            throw LumenException.InputData($"the concept test needs {2 * (TcavOptions.DefaultRandomRuns + 2)} test images of other classes and one of class {settings.TargetClass}; the test set has {unstampedOthers.shape[0]} and {classIndices.shape[0]}");
        var order = Enumerable.Range(setSize, (int)unstampedOthers.shape[0] - setSize).ToArray();
        new Random(Seed).Shuffle(order);
        var randomSets = Enumerable.Range(0, TcavOptions.DefaultRandomRuns + 1)
            .Select(set => unstampedOthers.index_select(0, torch.tensor(order.Skip(set * setSize).Take(setSize).Select(i => (long)i).ToArray())))
            .ToList();
        var concept = new ConceptSet("tag", others.Inputs.narrow(0, 0, setSize));
        var shirts = data.Test.Inputs.index_select(0, classIndices.narrow(0, 0, Math.Min(ClassImages, classIndices.shape[0])));
        var options = new TcavOptions { Seed = Seed, Hypotheses = 2 };
        TcavResult Test(ExplainableModel model) =>
            Tcav.Run(model, Layer, shirts.to(model.Device.Torch), settings.TargetClass, [concept with { Inputs = concept.Inputs.to(model.Device.Torch) }],
                [.. randomSets.Select(set => set.to(model.Device.Torch))], options)[0];
        return new ConceptFindings(Test(clean), Test(shortcut), Layer, setSize, (int)shirts.shape[0]);
    }

    public static void Add(HtmlReport report, DemoData data, ShortcutSettings settings, ConceptFindings findings)
    {
        string target = data.ClassNames[settings.TargetClass];
        var section = report.AddSection("Is the tag a concept the models use? (TCAV)");
        section.Paragraph(
            $"Testing with Concept Activation Vectors (Kim et al. 2018): {findings.SetSize} test images of the other classes with the tag stamped on are the concept \"tag\"; " +
            $"{findings.Clean.Scores.Count + 1} sets of {findings.SetSize} other, untagged test images of the same classes are random sets. At layer {findings.Layer}, a logistic regression " +
            $"separates the concept from each random set; its normal is the concept's direction. The TCAV score is the share of {findings.ClassImages} untagged '{target}' test images " +
            $"whose '{target}' logit grows along that direction. The same is done with a random set in place of the concept, and a two-sided t-test compares the " +
            $"{findings.Clean.Scores.Count} scores with those of chance (Bonferroni over the two models: p < {findings.Clean.Threshold.ToString("G3", CultureInfo.InvariantCulture)}).");
        section.Add(new TableBlock(
            ["model", "TCAV score of the tag (mean)", "random concept (mean)", "held-out CAV accuracy", "p", "significant"],
            [Row("shortcut model", findings.Shortcut), Row("clean model", findings.Clean)]));
        section.Paragraph(Answer(findings, target));
    }

    /// <summary>The one-sentence answer: is the tag significant for the shortcut model's class and not for the clean model's?</summary>
    public static string Answer(ConceptFindings findings, string target)
    {
        string Verdict(TcavResult r) => r.Significant ? "a significant concept" : "not a significant concept";
        string expected = findings.Shortcut.Significant && !findings.Clean.Significant ? "as expected" : "not the expected outcome";
        return string.Create(CultureInfo.InvariantCulture,
            $"The tag is {Verdict(findings.Shortcut)} for the shortcut model's '{target}' class (TCAV {findings.Shortcut.Mean:F2}, p = {findings.Shortcut.PValue:G3}) " +
            $"and {Verdict(findings.Clean)} for the clean model's (TCAV {findings.Clean.Mean:F2}, p = {findings.Clean.PValue:G3}): {expected}.");
    }

    private static IReadOnlyList<ReportCell> Row(string model, TcavResult r)
    {
        var c = CultureInfo.InvariantCulture;
        return [model, r.Mean.ToString("F2", c), r.RandomMean.ToString("F2", c), r.CavAccuracies.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average().ToString("P0", c),
            r.PValue.ToString("G3", c), r.Significant ? "yes" : "no"];
    }
}
