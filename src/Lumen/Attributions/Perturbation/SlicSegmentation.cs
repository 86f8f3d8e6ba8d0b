using System.Globalization;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// SLIC superpixels (Achanta et al. 2012) with scikit-image's defaults: about <see cref="Segments"/> clusters seeded on a
/// regular grid of step S = √(HW / K), 10 rounds of local k-means where each centre looks at a 2S x 2S window and the
/// distance is √(d_colour² + (d_xy / S)² m²) with compactness m = 10, then connectivity enforcement (pieces under half
/// the mean size join a neighbour). One documented difference: colour is not converted to CIELAB; each image's values
/// are rescaled to [0, 100] (the range of L*) over all channels, so m keeps its usual meaning for grey and colour inputs.
/// </summary>
public sealed class SlicSegmentation : ISegmentation
{
    /// <summary>scikit-image's default number of segments.</summary>
    public const int DefaultSegments = 100;

    /// <summary>Creates SLIC.</summary>
    /// <param name="segments">About how many superpixels.</param>
    /// <param name="compactness">Weight of distance in space against distance in colour (scikit-image's 10).</param>
    /// <param name="iterations">k-means rounds (scikit-image's 10).</param>
    public SlicSegmentation(int segments = DefaultSegments, double compactness = 10, int iterations = 10)
    {
        if (segments <= 0) throw LumenException.Usage($"slic:{segments}: expected a positive number of segments");
        if (compactness <= 0) throw LumenException.Usage($"slic compactness {compactness}: expected a positive number");
        Segments = segments;
        Compactness = compactness;
        Iterations = iterations;
    }

    /// <summary>The requested number of superpixels.</summary>
    public int Segments { get; }

    /// <summary>The compactness m.</summary>
    public double Compactness { get; }

    /// <summary>The number of k-means rounds.</summary>
    public int Iterations { get; }

    /// <inheritdoc />
    public string Description => string.Create(CultureInfo.InvariantCulture, $"slic:{Segments}");

    /// <inheritdoc />
    public int[] Segment(float[] pixels, int channels, int height, int width)
    {
        int area = height * width;
        double[] features = Rescaled(pixels, channels, area);
        double step = Math.Sqrt(area / (double)Math.Min(Segments, area));
        int gridRows = Math.Max(1, (int)Math.Round(height / step));
        int gridColumns = Math.Max(1, (int)Math.Round(width / step));
        int k = gridRows * gridColumns;
        var centreY = new double[k];
        var centreX = new double[k];
        var centreColour = new double[k * channels];
        for (int i = 0; i < gridRows; i++)
        {
            for (int j = 0; j < gridColumns; j++)
            {
                int id = i * gridColumns + j;
                centreY[id] = (i + 0.5) * height / gridRows;
                centreX[id] = (j + 0.5) * width / gridColumns;
                int p = Math.Min(height - 1, (int)centreY[id]) * width + Math.Min(width - 1, (int)centreX[id]);
                for (int ch = 0; ch < channels; ch++) centreColour[id * channels + ch] = features[ch * area + p];
            }
        }

        var labels = new int[area];
        var distance = new double[area];
        double spatialWeight = Compactness * Compactness / (step * step);
        int reach = (int)Math.Ceiling(2 * step);
        for (int round = 0; round < Iterations; round++)
        {
            Array.Fill(distance, double.PositiveInfinity);
            for (int id = 0; id < k; id++)
            {
                int cy = (int)centreY[id], cx = (int)centreX[id];
                for (int y = Math.Max(0, cy - reach); y <= Math.Min(height - 1, cy + reach); y++)
                {
                    for (int x = Math.Max(0, cx - reach); x <= Math.Min(width - 1, cx + reach); x++)
                    {
                        int p = y * width + x;
                        double colour = 0;
                        for (int ch = 0; ch < channels; ch++)
                        {
                            double d = features[ch * area + p] - centreColour[id * channels + ch];
                            colour += d * d;
                        }
                        double dy = y - centreY[id], dx = x - centreX[id];
                        double total = colour + (dy * dy + dx * dx) * spatialWeight;
                        if (total < distance[p])
                        {
                            distance[p] = total;
                            labels[p] = id;
                        }
                    }
                }
            }
            Recentre(features, channels, width, labels, centreY, centreX, centreColour);
        }
        int minimum = Math.Max(1, (int)(0.5 * area / k));
        return ConnectedSegments.Enforce(labels, height, width, minimum);
    }

    private static double[] Rescaled(float[] pixels, int channels, int area)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (float v in pixels)
        {
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }
        double scale = high > low ? 100 / (high - low) : 0;
        var features = new double[channels * area];
        for (int i = 0; i < features.Length; i++) features[i] = (pixels[i] - low) * scale;
        return features;
    }

    private static void Recentre(double[] features, int channels, int width, int[] labels, double[] centreY, double[] centreX, double[] centreColour)
    {
        int k = centreY.Length, area = labels.Length;
        var count = new int[k];
        var sumY = new double[k];
        var sumX = new double[k];
        var sumColour = new double[k * channels];
        for (int p = 0; p < area; p++)
        {
            int id = labels[p];
            count[id]++;
            sumY[id] += p / width;
            sumX[id] += p % width;
            for (int ch = 0; ch < channels; ch++) sumColour[id * channels + ch] += features[ch * area + p];
        }
        for (int id = 0; id < k; id++)
        {
            if (count[id] == 0) continue;
            centreY[id] = sumY[id] / count[id];
            centreX[id] = sumX[id] / count[id];
            for (int ch = 0; ch < channels; ch++) centreColour[id * channels + ch] = sumColour[id * channels + ch] / count[id];
        }
    }
}
