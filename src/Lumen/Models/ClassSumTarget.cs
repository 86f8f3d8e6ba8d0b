using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// The sum of several classes' logits per image, for multi-label models whose classes have independent (sigmoid)
/// outputs: one class set for every image, or one set per image.
/// </summary>
internal sealed class ClassSumTarget : Target
{
    private readonly int[][] sets;
    private readonly bool broadcast;

    private ClassSumTarget(int[][] sets, bool broadcast)
    {
        this.sets = sets;
        this.broadcast = broadcast;
    }

    public static ClassSumTarget ForAll(int[] classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        return new ClassSumTarget(new[] { RequireSet(classes) }, broadcast: true);
    }

    public static ClassSumTarget PerImage(IReadOnlyList<IReadOnlyList<int>> perImage)
    {
        ArgumentNullException.ThrowIfNull(perImage);
        if (perImage.Count == 0) throw LumenException.Usage("the target list is empty: give one class set for all images or one per image");
        return new ClassSumTarget(perImage.Select(set => RequireSet(set.ToArray())).ToArray(), broadcast: false);
    }

    public override string Description => string.Join(",", sets.Select(set => string.Join("+", set))) + (broadcast ? "" : " per image");

    public override long[] ResolveClasses(Tensor logits)
    {
        RequireLogits(logits);
        long images = logits.shape[0], classCount = logits.shape[1];
        if (!broadcast && sets.Length != images)
            throw LumenException.Usage($"{sets.Length} target class sets were given for {images} images: give one set for all images or exactly one per image");
        foreach (int c in sets.SelectMany(set => set))
        {
            if (c < 0 || c >= classCount)
                throw LumenException.Usage($"target class {c} is out of range: the model has {classCount} classes (0 to {classCount - 1})");
        }
        return Enumerable.Range(0, (int)images).Select(i => SetOf(i) is { Length: 1 } single ? single[0] : -1L).ToArray();
    }

    public override Tensor Score(Tensor logits) => Score(logits, ImageOfRows(logits.shape[0], sets.Length));

    public override Tensor Score(Tensor logits, IReadOnlyList<int> imageOfRow)
    {
        RequireLogits(logits);
        long rows = logits.shape[0], classCount = logits.shape[1];
        if (imageOfRow.Count != rows)
            throw new ArgumentException($"{imageOfRow.Count} image indices for {rows} rows", nameof(imageOfRow));
        var selection = new float[rows * classCount];
        for (int row = 0; row < rows; row++)
        {
            foreach (int c in SetOf(imageOfRow[row]))
            {
                if (c < 0 || c >= classCount)
                    throw LumenException.Usage($"target class {c} is out of range: the model has {classCount} classes (0 to {classCount - 1})");
                selection[row * classCount + c] = 1f;
            }
        }
        using var weights = torch.tensor(selection, new[] { rows, classCount }, dtype: logits.dtype, device: logits.device);
        return (logits * weights).sum(1);
    }

    private int[] SetOf(int image) => broadcast ? sets[0] : sets[image];

    private static int[] RequireSet(int[] classes)
    {
        if (classes.Length == 0) throw LumenException.Usage("a target class set is empty: give at least one class (e.g. --target 3+7)");
        if (classes.Distinct().Count() != classes.Length)
            throw LumenException.Usage($"target class set {string.Join("+", classes)} names a class twice; give each class once");
        return classes;
    }
}
