using Lumen.Attributions;
using Lumen.Attributions.Perturbation;
using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>
/// Carries out an <see cref="ExplainRequest"/>: loads the input, builds every method (so that a bad name, layer or
/// setting fails before any work), runs them, checks the results are finite, and only then writes the files.
/// </summary>
public static class ExplainRunner
{
    /// <summary>Runs the request on <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="request">What to explain and where to write it.</param>
    /// <param name="progressOf">Gives the progress receiver of a method by name (perturbation methods report to it); null for none.</param>
    public static ExplainSummary Run(ExplainableModel model, ExplainRequest request, Func<string, IProgress<PerturbationProgress>>? progressOf = null)
    {
        if (request.Methods.Count == 0) throw LumenException.Usage("no method given: add --method NAME (see 'lumen methods')");
        if ((request.Images.Count > 0) == (request.Array is not null))
            throw LumenException.Usage("give the images with --image FILE... or a preprocessed batch with --input FILE.npy (exactly one of them)");
        if (request.Alpha is < 0 or > 1) throw LumenException.Usage($"--alpha {request.Alpha}: expected a number from 0 to 1");
        var methods = request.Methods.Distinct().Select(name => MethodCatalog.Find(name).Build(model,
            new MethodOptions(request.Layer, request.Parameters) { Progress = progressOf?.Invoke(name) })).ToList();
        Target target = TargetOption.Parse(request.Target);

        using var input = request.Array is not null
            ? ExplainInput.FromArray(request.Array, model)
            : ExplainInput.FromImages(request.Images, model);
        using var scope = NewDisposeScope();
        Tensor logits = model.Predict(input.Input);
        FiniteOutputs.Require(logits, model.Name, input.Stems);
        target.ResolveClasses(logits);

        var attributions = MethodRunner.RunAll(methods, input.Input, target, input.Stems);
        try
        {
            var files = Write(request, input, attributions);
            return Summarize(model, input, logits, attributions, files, target);
        }
        finally
        {
            foreach (var attribution in attributions) attribution.Dispose();
        }
    }

    /// <summary>Renders every picture first (rendering can fail), then writes all files into a staging folder and moves them into place together.</summary>
    private static List<string> Write(ExplainRequest request, ExplainInput input, List<Attribution> attributions)
    {
        var pending = new List<(string Name, Action<string> Save)>();
        foreach (var attribution in attributions)
        {
            if (input.ArrayStem is not null)
                pending.Add(($"{input.ArrayStem}.{attribution.Method}.npy", path => NpyFile.Write(path, attribution.Values)));
            for (int i = 0; i < input.Count; i++)
            {
                int index = i;
                if (input.ArrayStem is null)
                {
                    pending.Add(($"{input.Stems[i]}.{attribution.Method}.npy", path =>
                    {
                        using var single = attribution.Values.narrow(0, index, 1);
                        NpyFile.Write(path, single);
                    }));
                }
                using var display = input.Display[i];
                var picture = AttributionRendering.Overlay(attribution, i, display, request.Colormap, request.Alpha);
                pending.Add(($"{input.Stems[i]}.{attribution.Method}.png", picture.SavePng));
            }
        }
        using var staged = StagedOutput.Open(request.OutputFolder);
        foreach (var (name, save) in pending) save(staged.PathFor(name));
        return [.. staged.Commit()];
    }

    private static ExplainSummary Summarize(ExplainableModel model, ExplainInput input, Tensor logits, List<Attribution> attributions, List<string> files, Target target)
    {
        using var scope = NewDisposeScope();
        var images = logits.dim() == 4
            ? SegmentationImages(model, input, logits, attributions)
            : ClassifierImages(model, input, logits, attributions);
        var methods = attributions.Select(a => new MethodSummary(a.Method, a.Layer, a.Settings, a.Values.shape, a.Extras.Count > 0 ? a.Extras : null)).ToList();
        return new ExplainSummary { Model = model.Name, Target = target.Description, Images = images, Methods = methods, Files = files };
    }

    private static List<ImageSummary> ClassifierImages(ExplainableModel model, ExplainInput input, Tensor logits, List<Attribution> attributions)
    {
        Tensor probabilities = logits.softmax(1);
        long[] predicted = logits.argmax(1).cpu().data<long>().ToArray();
        return Enumerable.Range(0, input.Count).Select(i => new ImageSummary(
            input.Stems[i],
            predicted[i],
            model.LabelOf(predicted[i]),
            probabilities[i, predicted[i]].item<float>(),
            logits[i, predicted[i]].item<float>(),
            attributions.Select(a => a.Targets[i]).ToList())).ToList();
    }

    /// <summary>
    /// For a segmentation output [N, K, H, W]: the class predicted on the most pixels, the share of pixels it wins
    /// (as the probability) and its mean logit over them.
    /// </summary>
    private static List<ImageSummary> SegmentationImages(ExplainableModel model, ExplainInput input, Tensor logits, List<Attribution> attributions)
    {
        Tensor winners = logits.argmax(1).flatten(1);
        long classes = logits.shape[1];
        var images = new List<ImageSummary>();
        for (int i = 0; i < input.Count; i++)
        {
            Tensor counts = winners[i].bincount(null, classes);
            long majority = counts.argmax().item<long>();
            Tensor pixels = winners[i].eq(majority);
            float share = pixels.to_type(ScalarType.Float32).mean().item<float>();
            float meanLogit = logits[i, majority].flatten().masked_select(pixels).mean().item<float>();
            images.Add(new ImageSummary(input.Stems[i], majority, model.LabelOf(majority), share, meanLogit,
                attributions.Select(a => a.Targets[i]).ToList(), Segmentation: true));
        }
        return images;
    }
}
