using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>Shared steps of LIME and KernelSHAP: sampling on/off patterns and spreading superpixel weights to pixels.</summary>
internal static class SuperpixelSurrogate
{
    /// <summary>
    /// Refuses a surrogate whose designs would not fit in memory or in a .NET array: per image, <paramref name="samples"/>
    /// rows of <paramref name="features"/> features are held as float32 patterns and as float64 design copies
    /// (the regression and feature selection), with one score and one weight per sample.
    /// </summary>
    /// <param name="method">The method's name, for the message.</param>
    /// <param name="samples">Samples per image.</param>
    /// <param name="features">Features per sample (the largest over the images).</param>
    /// <param name="images">Images explained together.</param>
    public static void RequireMemory(string method, long samples, long features, long images)
    {
        double cells = (double)samples * features;
        if (cells > Array.MaxLength)
            throw LumenException.Usage($"{method} with {samples} samples of {features} features needs a design of {cells:0} entries, more than an array holds ({Array.MaxLength}); use fewer samples");
        MemoryBudget.Require(images * (cells * (sizeof(float) + 3 * sizeof(double)) + samples * 3.0 * sizeof(double)),
            $"{method} with {samples} samples of {features} features on {images} images", "use fewer samples");
    }

    /// <summary>The number of superpixels of each image, from ids [N, 1, H, W] numbered from 0.</summary>
    public static int[] Counts(Tensor segments)
    {
        using var maxima = segments.flatten(1).max(1).values;
        return maxima.cpu().data<long>().Select(m => (int)m + 1).ToArray();
    }

    /// <summary>A design matrix as doubles, row-major, from a float32 tensor [samples, features].</summary>
    public static double[] ToDoubles(Tensor design)
    {
        using var cpu = design.to_type(ScalarType.Float64).cpu().contiguous();
        return cpu.data<double>().ToArray();
    }

    /// <summary>
    /// Every pixel gets the weight of its superpixel: weights per image (superpixel index → weight) spread over
    /// ids [N, 1, H, W], giving float32 [N, 1, H, W].
    /// </summary>
    public static Tensor Spread(IReadOnlyList<double[]> weights, Tensor segments)
    {
        using var scope = NewDisposeScope();
        var maps = new List<Tensor>();
        for (int n = 0; n < weights.Count; n++)
        {
            Tensor table = torch.tensor(weights[n].Select(w => (float)w).ToArray(), dtype: ScalarType.Float32, device: segments.device);
            maps.Add(table.index_select(0, segments[n].flatten()).reshape(segments[n].shape));
        }
        return stack(maps, 0).MoveToOuterDisposeScope();
    }
}
