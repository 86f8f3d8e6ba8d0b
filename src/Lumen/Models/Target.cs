using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// What to explain: one scalar per image, taken from the model's output. Every method accepts a
/// <see cref="Target"/>: a class index for all images, one class per image, the predicted class, the sum of several
/// classes (multi-label models), a segmentation class over a mask or its predicted pixels (models returning
/// [N, K, H, W]), or any scalar function of the output. A target that does not fit the output's shape is a usage error.
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
    /// Any scalar function of the output: <paramref name="score"/> maps the output ([N, K] logits, or [N, K, H, W] for a
    /// segmentation model) to scores [N], row by row (methods that run copies of an image pass them as further rows).
    /// </summary>
    public static Target Function(Func<Tensor, Tensor> score, string description) => new FunctionTarget(score, description);

    /// <summary>
    /// For multi-label models (independent sigmoid outputs): the sum of the logits of <paramref name="classIndices"/>,
    /// the same classes for every image. One class is the same as <see cref="Class"/>.
    /// </summary>
    public static Target ClassSum(params int[] classIndices) => ClassSumTarget.ForAll(classIndices);

    /// <summary>
    /// For multi-label models: per image, the sum of the logits of that image's classes (one entry per image, each a
    /// non-empty list). An image with one class explains that class; one with several records class -1.
    /// </summary>
    public static Target ClassSums(IReadOnlyList<IReadOnlyList<int>> classIndicesPerImage) => ClassSumTarget.PerImage(classIndicesPerImage);

    /// <summary>
    /// For segmentation models returning [N, K, H, W]: the sum of class <paramref name="classIndex"/>'s logits over a
    /// mask (pytorch-grad-cam's SemanticSegmentationTarget). <paramref name="mask"/> is [H, W] for every image or
    /// [N, H, W] per image; non-zero elements are in the mask. The values are copied.
    /// </summary>
    public static Target Segmentation(int classIndex, Tensor mask) => SegmentationTarget.OverMask(classIndex, mask);

    /// <summary>
    /// For segmentation models returning [N, K, H, W]: the sum of class <paramref name="classIndex"/>'s logits over the
    /// pixels whose highest logit is that class, taken from the output being scored (for a method that scores modified
    /// copies of the image, each copy's own prediction; give a mask with <see cref="Segmentation(int, Tensor)"/> to fix it).
    /// </summary>
    public static Target SegmentationPredicted(int classIndex) => SegmentationTarget.OverPredictedPixels(classIndex);

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

    /// <summary>
    /// The scores [B] of outputs whose row b is a (modified) copy of image <paramref name="imageOfRow"/>[b]: the same as
    /// <see cref="Score(Tensor)"/> except for targets that differ per image (a class set or a mask per image).
    /// </summary>
    public virtual Tensor Score(Tensor logits, IReadOnlyList<int> imageOfRow) => Score(logits);

    /// <summary>
    /// The target for the horizontally mirrored image: itself, except a target tied to pixel positions (a segmentation
    /// mask), which is mirrored too.
    /// </summary>
    public virtual Target MirroredHorizontally() => this;

    /// <summary>Checks that the output is a batch of class scores [N, K]; a segmentation output is a usage error naming the fix.</summary>
    protected void RequireLogits(Tensor logits)
    {
        if (logits.dim() == 4)
            throw LumenException.Usage($"target '{Description}' needs class scores [N, K], but the model outputs {MessageText.Shape(logits.shape)} (a segmentation map): give a segmentation target (--target seg:CLASS)");
        if (logits.dim() != 2)
            throw LumenException.Model($"the model returned shape [{string.Join(", ", logits.shape)}], but explanations need logits of shape [N, classes]");
    }

    /// <summary>
    /// Which of <paramref name="images"/> per-image entries row b of a batch of <paramref name="rows"/> uses: row b itself
    /// when the counts agree, entry 0 for a single entry, and b mod <paramref name="images"/> for a multiple (the layout
    /// of the library's repeated batches, copy j of image n at row j·N + n); anything else is a usage error.
    /// </summary>
    protected int[] ImageOfRows(long rows, int images)
    {
        if (images == 1) return new int[rows];
        if (rows % images != 0)
            throw LumenException.Usage($"target '{Description}' has {images} per-image entries but the batch has {rows} images: give one entry for all images or exactly one per image");
        return Enumerable.Range(0, (int)rows).Select(row => row % images).ToArray();
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
