using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>
/// A target fixed at the original inputs, for methods that evaluate the model on many modified copies of them
/// (path points, noisy samples): the predicted class is taken once, from the unmodified input, as Captum takes the
/// target it is given, and every copy of image n explains that same class.
/// </summary>
internal sealed class ResolvedTarget
{
    private readonly Target target;

    private ResolvedTarget(Target target, long[] classes, float[] scores)
    {
        this.target = target;
        Classes = classes;
        Scores = scores;
    }

    /// <summary>The class explained for each image (-1 for a function target).</summary>
    public long[] Classes { get; }

    /// <summary>The explained score of each unmodified image.</summary>
    public float[] Scores { get; }

    /// <summary>Resolves <paramref name="target"/> on a forward pass (without gradients) over <paramref name="input"/>.</summary>
    public static ResolvedTarget Resolve(ExplainableModel model, Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        Tensor logits = model.Predict(input);
        long[] classes = target.ResolveClasses(logits);
        float[] scores = target.Score(logits).cpu().data<float>().ToArray();
        return new ResolvedTarget(target, classes, scores);
    }

    /// <summary>
    /// The target for a batch of <paramref name="copies"/> x N inputs laid out copy-major (copy j of image n at
    /// index j * N + n).
    /// </summary>
    public Target Repeated(int copies) => ForImages(Enumerable.Range(0, copies * Classes.Length).Select(i => i % Classes.Length).ToArray());

    /// <summary>The target for a batch whose row i is a modified copy of image <paramref name="imageOfRow"/>[i].</summary>
    public Target ForImages(IReadOnlyList<int> imageOfRow)
    {
        if (Classes.Any(c => c < 0)) return target;
        return Target.Classes(imageOfRow.Select(image => (int)Classes[image]).ToArray());
    }
}
