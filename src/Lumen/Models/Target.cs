using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// What to explain: one scalar per image, taken from the model's logits. Every method accepts a
/// <see cref="Target"/>: a class index for all images, one class per image, the predicted class, or any
/// scalar function of the output.
/// </summary>
public abstract class Target
{
    /// <summary>The class the model predicts for each image (the argmax of its logits).</summary>
    public static Target Predicted { get; } = new PredictedTarget();

    /// <summary>The logit of one class, the same for every image.</summary>
    public static Target Class(int classIndex) => new ClassTarget(new[] { classIndex }, broadcast: true);

    /// <summary>The logit of one class per image; the list must have one entry per image.</summary>
    public static Target Classes(IReadOnlyList<int> classIndices)
    {
        if (classIndices.Count == 0) throw LumenException.Usage("the target list is empty: give one class, one class per image, or 'predicted'");
        return new ClassTarget(classIndices.ToArray(), broadcast: false);
    }

    /// <summary>
    /// Any scalar function of the output: <paramref name="score"/> maps logits [N, K] to scores [N].
    /// </summary>
    public static Target Function(Func<Tensor, Tensor> score, string description) => new FunctionTarget(score, description);

    /// <summary>A short description of the target, recorded with every attribution.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The class explained for each image, or -1 for every image when the target is a function of the output.
    /// Throws a usage error when a class is out of range or the number of classes does not match the images.
    /// </summary>
    public abstract long[] ResolveClasses(Tensor logits);

    /// <summary>The scalar explained for each image: a differentiable tensor of shape [N].</summary>
    public virtual Tensor Score(Tensor logits)
    {
        long[] classes = ResolveClasses(logits);
        using var index = torch.tensor(classes, dtype: ScalarType.Int64, device: logits.device).unsqueeze(1);
        return logits.gather(1, index).squeeze(1);
    }

    /// <summary>Checks that the output is a batch of logits [N, K].</summary>
    protected static void RequireLogits(Tensor logits)
    {
        if (logits.dim() != 2)
            throw LumenException.Model($"the model returned shape [{string.Join(", ", logits.shape)}], but explanations need logits of shape [N, classes]");
    }

    private sealed class PredictedTarget : Target
    {
        public override string Description => "predicted";

        public override long[] ResolveClasses(Tensor logits)
        {
            RequireLogits(logits);
            using var argmax = logits.detach().argmax(1);
            return argmax.cpu().data<long>().ToArray();
        }
    }

    private sealed class ClassTarget : Target
    {
        private readonly int[] classes;
        private readonly bool broadcast;

        public ClassTarget(int[] classes, bool broadcast)
        {
            this.classes = classes;
            this.broadcast = broadcast;
        }

        public override string Description => broadcast ? $"class {classes[0]}" : $"classes {string.Join(",", classes)}";

        public override long[] ResolveClasses(Tensor logits)
        {
            RequireLogits(logits);
            long images = logits.shape[0];
            long classCount = logits.shape[1];
            if (!broadcast && classes.Length != images)
                throw LumenException.Usage($"{classes.Length} target classes were given for {images} images: give one class for all images or exactly one per image");
            foreach (int c in classes)
            {
                if (c < 0 || c >= classCount)
                    throw LumenException.Usage($"target class {c} is out of range: the model has {classCount} classes (0 to {classCount - 1})");
            }
            return broadcast
                ? Enumerable.Repeat((long)classes[0], (int)images).ToArray()
                : classes.Select(c => (long)c).ToArray();
        }
    }

    private sealed class FunctionTarget : Target
    {
        private readonly Func<Tensor, Tensor> score;
        private readonly string description;

        public FunctionTarget(Func<Tensor, Tensor> score, string description)
        {
            this.score = score;
            this.description = description;
        }

        public override string Description => description;

        public override long[] ResolveClasses(Tensor logits) => Enumerable.Repeat(-1L, (int)logits.shape[0]).ToArray();

        public override Tensor Score(Tensor logits)
        {
            Tensor result = score(logits);
            if (result.dim() != 1 || result.shape[0] != logits.shape[0])
                throw LumenException.Usage($"the target function '{description}' returned shape [{string.Join(", ", result.shape)}]; it must return one score per image, shape [{logits.shape[0]}]");
            return result;
        }
    }
}
