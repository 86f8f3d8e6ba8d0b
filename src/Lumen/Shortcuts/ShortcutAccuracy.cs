using Lumen.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Shortcuts;

/// <summary>How a model behaves with and without the watermark.</summary>
/// <param name="CleanTest">Accuracy on the clean test images.</param>
/// <param name="StampedOthers">Accuracy on test images of the other classes with the watermark added.</param>
/// <param name="FooledShare">Share of those stamped images classified as the target class.</param>
public sealed record ShortcutAccuracy(double CleanTest, double StampedOthers, double FooledShare)
{
    /// <summary>Measures <paramref name="model"/> on the clean <paramref name="test"/> set and its stamped other-class images.</summary>
    public static ShortcutAccuracy Measure(nn.Module<Tensor, Tensor> model, LabelledTensors test, ShortcutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(settings);
        var clean = Trainer.Accuracy(model, test);
        using var stamped = ShortcutData.OtherClassesStamped(test, settings);
        var accuracy = Trainer.Accuracy(model, stamped);
        using var predictions = Trainer.Predict(model, stamped.Inputs);
        using var fooled = predictions.eq(settings.TargetClass).sum();
        return new ShortcutAccuracy(clean, accuracy, (double)fooled.item<long>() / stamped.Count);
    }
}
