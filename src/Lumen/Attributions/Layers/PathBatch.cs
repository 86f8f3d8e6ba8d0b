using static TorchSharp.torch;

namespace Lumen.Attributions.Layers;

/// <summary>Points on straight paths for a batch of images, laid out copy-major (point k of image n at row k·N + n).</summary>
internal static class PathBatch
{
    /// <summary>start + α_k (end − start) for the given alphas, [K·N, ...].</summary>
    public static Tensor Points(Tensor start, Tensor end, IEnumerable<double> alphas)
    {
        float[] values = alphas.Select(a => (float)a).ToArray();
        var shape = new long[] { values.Length }.Concat(Enumerable.Repeat(1L, (int)start.dim())).ToArray();
        using var a = tensor(values, device: start.device).reshape(shape);
        using var difference = end - start;
        using var points = start.unsqueeze(0) + a * difference.unsqueeze(0);
        return points.reshape(new long[] { values.Length * start.shape[0] }.Concat(start.shape.Skip(1)).ToArray());
    }

    /// <summary>Σ_k w_k values_k for values [K·N, ...] laid out copy-major, [N, ...].</summary>
    public static Tensor WeightedSum(Tensor values, IEnumerable<double> weights, long images)
    {
        float[] w = weights.Select(x => (float)x).ToArray();
        var shape = new long[] { w.Length, images }.Concat(values.shape.Skip(1)).ToArray();
        var weightShape = new long[] { w.Length }.Concat(Enumerable.Repeat(1L, shape.Length - 1)).ToArray();
        using var weightTensor = tensor(w, device: values.device).reshape(weightShape);
        using var reshaped = values.reshape(shape);
        using var weighted = reshaped * weightTensor;
        return weighted.sum(dim: 0);
    }
}
