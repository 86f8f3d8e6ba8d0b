using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Refuses input arrays that hold NaN or infinity before a model sees them, naming the first bad element, so that a
/// damaged input is reported as the input's fault rather than as non-finite model outputs.
/// </summary>
public static class FiniteValues
{
    /// <summary>Throws when the floating-point <paramref name="values"/> hold NaN or an infinity; integer tensors always pass.</summary>
    /// <param name="values">The array, any shape.</param>
    /// <param name="source">What it is, starting the message, e.g. "NumPy file 'x.npy'".</param>
    /// <exception cref="LumenException">Some value is NaN or infinite (kind InputData).</exception>
    public static void Require(Tensor values, string source)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(source);
        if (!values.is_floating_point() || values.numel() == 0) return;
        using var scope = torch.NewDisposeScope();
        var bad = values.isfinite().logical_not().reshape(-1);
        if (!bad.any().item<bool>()) return;
        long count = bad.sum().item<long>();
        long first = bad.to_type(ScalarType.Byte).argmax().item<long>(); // argmax gives the first maximum
        double value = values.reshape(-1)[first].to_type(ScalarType.Float64).item<double>();
        string what = double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
        throw LumenException.InputData(
            $"{source} holds {what} at element {MessageText.Shape(Unravel(first, values.shape))} ({count} of its {values.numel()} values are NaN or infinite); " +
            "a model input must hold finite numbers: replace them (e.g. with numpy.nan_to_num) and save the array again.");
    }

    /// <summary>The multi-dimensional index of the C-order flat index <paramref name="flat"/>.</summary>
    private static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return index;
    }
}
