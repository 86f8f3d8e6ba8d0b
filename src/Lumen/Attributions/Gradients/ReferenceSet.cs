using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Gradients;

/// <summary>A set of reference inputs (baselines) for DeepLift SHAP and GradientSHAP, read from a .npy file.</summary>
public static class ReferenceSet
{
    /// <summary>
    /// The references in <paramref name="path"/>: float32 [B, C, H, W], or [C, H, W] for one. A missing file or another
    /// rank is a usage error naming <paramref name="setting"/>; non-finite values are a data error.
    /// </summary>
    public static Tensor Read(string path, string setting)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw LumenException.Usage($"--param {setting}={path}: expected a .npy file of reference inputs [B, C, H, W]");
        if (!File.Exists(path))
            throw LumenException.Usage($"--param {setting}={path}: the file does not exist; give a .npy file of reference inputs [B, C, H, W]");
        using var scope = NewDisposeScope();
        Tensor values = NpyFile.Read(path);
        FiniteValues.Require(values, $"{setting} '{path}'");
        if (values.dim() is not (3 or 4))
            throw LumenException.Usage($"--param {setting}={path}: shape {MessageText.Shape(values.shape)}, expected reference inputs [B, C, H, W] or one [C, H, W]");
        Tensor batch = values.dim() == 3 ? values.unsqueeze(0) : values;
        return batch.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
