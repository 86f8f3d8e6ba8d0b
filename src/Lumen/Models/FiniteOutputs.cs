using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>Refuses model outputs that hold NaN or infinity, naming the image, instead of explaining garbage.</summary>
public static class FiniteOutputs
{
    /// <summary>Throws when a row of <paramref name="logits"/> [N, classes] holds NaN or an infinity.</summary>
    /// <param name="logits">The model's outputs, one row per image.</param>
    /// <param name="modelName">The model, for the message.</param>
    /// <param name="imageNames">A name per row, for the message.</param>
    /// <exception cref="LumenException">Some output is not finite (kind Model).</exception>
    public static void Require(Tensor logits, string modelName, IReadOnlyList<string> imageNames)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(imageNames);
        using var scope = torch.NewDisposeScope();
        var finite = logits.isfinite().reshape(logits.shape[0], -1).all(1);
        if (finite.all().item<bool>()) return;
        long first = (~finite).nonzero()[0, 0].item<long>();
        string image = first < imageNames.Count ? imageNames[(int)first] : $"#{first}";
        throw LumenException.Model($"{modelName} returned NaN or infinite outputs for image {image}; its weights are probably corrupted (check them, or retrain); nothing was written");
    }
}
