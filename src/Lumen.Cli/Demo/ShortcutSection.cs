using System.Globalization;
using Lumen.Attributions;
using Lumen.Evaluation;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Reporting;
using Lumen.Shortcuts;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Demo;

/// <summary>The figures of the shortcut experiment, for the report and the console.</summary>
internal sealed record ShortcutFindings(
    ShortcutAccuracy Clean,
    ShortcutAccuracy Shortcut,
    IReadOnlyList<(string Method, double ShortcutShare, double CleanShare)> RelevanceInBox,
    double AreaShare,
    int StampedTrainingImages,
    int ImagesExplained);

/// <summary>
/// The shortcut ("Clever Hans") experiment: accuracy of both models with and without the watermark, and the share
/// of each method's positive relevance that falls inside the watermark box.
/// </summary>
internal static class ShortcutSection
{
    private const int ExplainedImages = 32;

    public static ShortcutFindings Measure(ExplainableModel clean, ExplainableModel shortcut, DemoData data, ShortcutSettings settings, int stamped)
    {
        var cleanAccuracy = ShortcutAccuracy.Measure(clean.Module, data.Test, settings);
        var shortcutAccuracy = ShortcutAccuracy.Measure(shortcut.Module, data.Test, settings);
        using var images = ShortcutData.TargetClassStamped(data.Test, settings, ExplainedImages);
        var shares = new List<(string, double, double)>();
        foreach (var name in DemoMethods.Available)
        {
            shares.Add((name, MeanShareInBox(shortcut, name, images, settings), MeanShareInBox(clean, name, images, settings)));
        }

        var area = (double)settings.Watermark.Box.Area / (images.shape[2] * images.shape[3]);
        return new ShortcutFindings(cleanAccuracy, shortcutAccuracy, shares, area, stamped, (int)images.shape[0]);
    }

    public static void Add(HtmlReport report, ExplainableModel clean, ExplainableModel shortcut, DemoData data, ShortcutSettings settings, ShortcutFindings findings)
    {
        var target = data.ClassNames[settings.TargetClass];
        var section = report.AddSection("The shortcut (\"Clever Hans\") experiment");
        section.Paragraph(
            $"A second copy of the network was trained on Fashion-MNIST where {settings.TargetShare:P0} of the '{target}' training images and {settings.OtherShare:P0} of all others " +
            $"carry a small checkerboard tag ({settings.Watermark.Box}), {findings.StampedTrainingImages} images in all. " +
            $"The tag predicts '{target}' almost perfectly, so the network can learn the tag instead of the shoe, like the horse classifier that read the photographer's copyright tag.");
        section.Add(new TableBlock(
            ["model", "accuracy, clean test images", "accuracy, other classes with the tag added", $"tagged images called '{target}'"],
            [
                ["clean model", P(findings.Clean.CleanTest), P(findings.Clean.StampedOthers), P(findings.Clean.FooledShare)],
                ["shortcut model", P(findings.Shortcut.CleanTest), P(findings.Shortcut.StampedOthers), P(findings.Shortcut.FooledShare)],
            ]));
        section.Paragraph(
            $"Where do the explanations look? For {findings.ImagesExplained} tagged '{target}' test images, each method explains the class '{target}'; the table gives the mean share of " +
            $"positive relevance inside the tag's box. A map that ignores the box scores near 0, a uniform map {P(findings.AreaShare)} (the box's share of the image).");
        section.Add(new TableBlock(
            ["method", "share in the tag box, shortcut model", "share in the tag box, clean model"],
            [.. findings.RelevanceInBox.Select(r => (IReadOnlyList<ReportCell>)[r.Method, P(r.ShortcutShare), P(r.CleanShare)])]));
        AddGrids(section, clean, shortcut, data, settings);
    }

    private static void AddGrids(ReportSection section, ExplainableModel clean, ExplainableModel shortcut, DemoData data, ShortcutSettings settings)
    {
        using var scope = torch.NewDisposeScope();
        using var others = ShortcutData.OtherClassesStamped(data.Test, settings);
        var taggedTargets = ShortcutData.TargetClassStamped(data.Test, settings, 3);
        var images = torch.cat([taggedTargets, others.Inputs.narrow(0, 0, 3)], 0);
        var names = Enumerable.Range(0, 3).Select(i => $"tagged {data.ClassNames[settings.TargetClass]} {i + 1}")
            .Concat(Enumerable.Range(0, 3).Select(i => $"tagged {data.ClassNames[(int)others.Labels[i].item<long>()]}")).ToList();
        foreach (var (model, title) in new[] { (shortcut, "shortcut model"), (clean, "clean model") })
        {
            var input = images.to(model.Device.Torch);
            var logits = model.Predict(input);
            var target = Target.Predicted;
                var attributions = MethodRunner.RunAll(DemoMethods.Build(model), input, target, names);
            try
            {
                section.Paragraph($"The {title} on tagged images, each explained for the class it predicts:");
                section.Add(ExplanationGrid.Create(model, images.expand(-1, 3, -1, -1), names, logits, attributions, 100));
            }
            finally
            {
                foreach (var attribution in attributions) attribution.Dispose();
            }
        }
    }

    private static double MeanShareInBox(ExplainableModel model, string method, Tensor images, ShortcutSettings settings)
    {
        using var scope = torch.NewDisposeScope();
        var built = DemoMethods.Build(model, method);
        using var attribution = built.Attribute(images.to(model.Device.Torch), Target.Class(settings.TargetClass));
        var maps = attribution.Values.sum(dim: 1, keepdim: true);
        var atInput = MapResizer.Resize(maps, (int)images.shape[2], (int)images.shape[3], Upsampling.Bilinear);
        return RelevanceMass.PositiveShareInBox(atInput, settings.Watermark.Box).Average();
    }

    private static string P(double value) => value.ToString("P1", CultureInfo.InvariantCulture);
}
