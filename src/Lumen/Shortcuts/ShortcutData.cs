using Lumen.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Shortcuts;

/// <summary>Builds the data of the shortcut experiment from a clean labelled set.</summary>
public static class ShortcutData
{
    /// <summary>
    /// A copy of <paramref name="clean"/> in which each image of the target class carries the watermark with
    /// probability <see cref="ShortcutSettings.TargetShare"/> and every other image with probability
    /// <see cref="ShortcutSettings.OtherShare"/> (seeded). Labels are unchanged.
    /// </summary>
    /// <returns>The new set and, per image, whether it was stamped.</returns>
    public static (LabelledTensors Data, bool[] Stamped) Watermarked(LabelledTensors clean, ShortcutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var random = new Random(settings.Seed);
        var labels = clean.Labels.data<long>().ToArray();
        var stamped = labels.Select(label => random.NextDouble() < (label == settings.TargetClass ? settings.TargetShare : settings.OtherShare)).ToArray();
        using var scope = torch.NewDisposeScope();
        var images = settings.Watermark.Stamp(clean.Inputs, stamped);
        return (new LabelledTensors(images, clean.Labels.clone()), stamped);
    }

    /// <summary>The test images whose label is not the target class, with the watermark added to every one.</summary>
    public static LabelledTensors OtherClassesStamped(LabelledTensors test, ShortcutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = torch.NewDisposeScope();
        var others = test.Labels.ne(settings.TargetClass).nonzero().view(-1);
        var images = settings.Watermark.Stamp(test.Inputs.index_select(0, others));
        return new LabelledTensors(images, test.Labels.index_select(0, others));
    }

    /// <summary>The first <paramref name="count"/> test images of the target class, with the watermark added.</summary>
    public static Tensor TargetClassStamped(LabelledTensors test, ShortcutSettings settings, int count)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = torch.NewDisposeScope();
        var indices = test.Labels.eq(settings.TargetClass).nonzero().view(-1);
        var first = indices.narrow(0, 0, Math.Min(count, indices.shape[0]));
        return settings.Watermark.Stamp(test.Inputs.index_select(0, first)).MoveToOuterDisposeScope();
    }
}
