using System.Globalization;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Quickshift superpixels (Vedaldi and Soatto 2008) as scikit-image computes them, with lime's parameters by
/// default (kernel size 4, max distance 200, ratio 0.2): every pixel is a point (row, column, ratio × colour);
/// its density is Σ exp(−d² / (2σ²)) over the pixels of a window of radius ⌈3σ⌉ (σ = kernel size); each pixel links
/// to the nearest pixel of the window with a higher density, unless that one is farther than the max distance;
/// the trees of links are the superpixels. Like <see cref="SlicSegmentation"/>, colours are each image's values
/// rescaled to [0, 100] over all channels instead of CIELAB.
/// </summary>
public sealed class QuickshiftSegmentation : ISegmentation
{
    /// <summary>Creates quickshift.</summary>
    /// <param name="kernelSize">σ of the density kernel, in pixels (lime's 4).</param>
    /// <param name="maxDistance">Links longer than this are cut (lime's 200).</param>
    /// <param name="ratio">Weight of colour against position (lime's 0.2).</param>
    public QuickshiftSegmentation(double kernelSize = 4, double maxDistance = 200, double ratio = 0.2)
    {
        if (!(kernelSize > 0)) throw LumenException.Usage($"quickshift kernel size {kernelSize}: expected a positive number of pixels");
        if (!(maxDistance > 0) || !(ratio >= 0)) throw LumenException.Usage("quickshift: max distance must be positive and ratio not negative");
        KernelSize = kernelSize;
        MaxDistance = maxDistance;
        Ratio = ratio;
    }

    /// <summary>σ of the density kernel.</summary>
    public double KernelSize { get; }

    /// <summary>The longest link kept.</summary>
    public double MaxDistance { get; }

    /// <summary>Weight of colour against position.</summary>
    public double Ratio { get; }

    /// <inheritdoc />
    public string Description => string.Create(CultureInfo.InvariantCulture, $"quickshift:{KernelSize}");

    /// <inheritdoc />
    public int[] Segment(float[] pixels, int channels, int height, int width)
    {
        int area = height * width;
        double low = pixels.Min(), high = pixels.Max();
        double scale = high > low ? 100 * Ratio / (high - low) : 0;
        var colour = new double[channels * area];
        for (int i = 0; i < colour.Length; i++) colour[i] = (pixels[i] - low) * scale;
        int radius = (int)Math.Ceiling(3 * KernelSize);
        double twoSigmaSquared = 2 * KernelSize * KernelSize;

        double Distance2(int p, int q)
        {
            int dr = p / width - q / width, dc = p % width - q % width;
            double sum = dr * dr + dc * dc;
            for (int ch = 0; ch < channels; ch++)
            {
                double d = colour[ch * area + p] - colour[ch * area + q];
                sum += d * d;
            }
            return sum;
        }

        var density = new double[area];
        for (int p = 0; p < area; p++)
        {
            int r = p / width, c = p % width;
            for (int rr = Math.Max(0, r - radius); rr <= Math.Min(height - 1, r + radius); rr++)
                for (int cc = Math.Max(0, c - radius); cc <= Math.Min(width - 1, c + radius); cc++)
                    density[p] += Math.Exp(-Distance2(p, rr * width + cc) / twoSigmaSquared);
        }

        var parent = new int[area];
        double maxDistance2 = MaxDistance * MaxDistance;
        for (int p = 0; p < area; p++)
        {
            int r = p / width, c = p % width, best = p;
            double closest = double.PositiveInfinity;
            for (int rr = Math.Max(0, r - radius); rr <= Math.Min(height - 1, r + radius); rr++)
            {
                for (int cc = Math.Max(0, c - radius); cc <= Math.Min(width - 1, c + radius); cc++)
                {
                    int q = rr * width + cc;
                    if (density[q] <= density[p]) continue;
                    double d = Distance2(p, q);
                    if (d < closest)
                    {
                        closest = d;
                        best = q;
                    }
                }
            }
            parent[p] = closest <= maxDistance2 ? best : p;
        }

        var labels = new int[area];
        for (int p = 0; p < area; p++)
        {
            int root = p;
            while (parent[root] != root) root = parent[root];
            labels[p] = root;
        }
        return ConnectedSegments.Enforce(labels, height, width, 1);
    }
}
