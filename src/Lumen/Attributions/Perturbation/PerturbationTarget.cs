using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// The target of a perturbation method fixed on the unmodified images: the class explained for each image (resolved
/// once, so that a predicted-class target does not switch class on a perturbed copy, as Captum takes the target it is
/// given) and the unmodified scores, as logits and in the method's output (logit or probability).
/// </summary>
public sealed class PerturbationTarget
{
    private PerturbationTarget(Target target, ScoreOutput output, long[] classes, float[] logits, float[] scores)
    {
        Target = target;
        Output = output;
        Classes = classes;
        Logits = logits;
        Scores = scores;
    }

    /// <summary>The target as given.</summary>
    public Target Target { get; }

    /// <summary>The scored output.</summary>
    public ScoreOutput Output { get; }

    /// <summary>The class explained for each image (-1 for a function target).</summary>
    public long[] Classes { get; }

    /// <summary>The target logit (or function value on the logits) of each unmodified image.</summary>
    public float[] Logits { get; }

    /// <summary>The score of each unmodified image in <see cref="Output"/> units.</summary>
    public float[] Scores { get; }

    /// <summary>Resolves <paramref name="target"/> on one forward pass (without gradients) over <paramref name="input"/>.</summary>
    public static PerturbationTarget Resolve(ExplainableModel model, Tensor input, Target target, ScoreOutput output)
    {
        using var scope = NewDisposeScope();
        Tensor logits = model.Predict(input);
        long[] classes = target.ResolveClasses(logits);
        float[] logitScores = target.Score(logits).cpu().data<float>().ToArray();
        var resolved = new PerturbationTarget(target, output, classes, logitScores, logitScores);
        float[] scores = output == ScoreOutput.Logit
            ? logitScores
            : resolved.Score(logits, Enumerable.Range(0, classes.Length).ToArray()).cpu().data<float>().ToArray();
        return new PerturbationTarget(target, output, classes, logitScores, scores);
    }

    /// <summary>
    /// The scores [B] of model outputs <paramref name="logits"/> [B, K] whose row b is a copy of image
    /// <paramref name="imageOfRow"/>[b]: the logit or softmax probability of that image's class, or the target function
    /// of the logits (or of the probabilities). Differentiable.
    /// </summary>
    public Tensor Score(Tensor logits, IReadOnlyList<int> imageOfRow)
    {
        Tensor outputs = Output switch
        {
            ScoreOutput.Probability => logits.softmax(1),
            ScoreOutput.LogProbability => logits.log_softmax(1),
            _ => logits,
        };
        if (Classes.Any(c => c < 0)) return Target.Score(outputs, imageOfRow);
        var rowClasses = imageOfRow.Select(image => Classes[image]).ToArray();
        using var index = torch.tensor(rowClasses, dtype: ScalarType.Int64, device: logits.device).unsqueeze(1);
        return outputs.gather(1, index).squeeze(1);
    }
}
