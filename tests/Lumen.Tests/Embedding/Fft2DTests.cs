using Lumen.Embedding;
using Xunit;

namespace Lumen.Tests.Embedding;

public class Fft2DTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(18)]
    [InlineData(54)]
    [InlineData(96)]
    public void ForwardMatchesTheDefinitionAndInverseRestores(int n)
    {
        var random = new Random(n);
        var re = new float[n * n];
        var im = new float[n * n];
        for (int i = 0; i < re.Length; i++) { re[i] = (float)(random.NextDouble() - 0.5); im[i] = (float)(random.NextDouble() - 0.5); }
        var origRe = (float[])re.Clone();
        var origIm = (float[])im.Clone();
        var fft = new Fft2D(n, threads: 2);
        fft.Forward(re, im);
        double maxError = 0;
        for (int u = 0; u < n; u++)
        {
            for (int v = 0; v < n; v++)
            {
                double sr = 0, si = 0;
                for (int r = 0; r < n; r++)
                {
                    for (int c = 0; c < n; c++)
                    {
                        double angle = -2 * Math.PI * ((double)u * r / n + (double)v * c / n);
                        sr += origRe[r * n + c] * Math.Cos(angle) - origIm[r * n + c] * Math.Sin(angle);
                        si += origRe[r * n + c] * Math.Sin(angle) + origIm[r * n + c] * Math.Cos(angle);
                    }
                }

                // The forward transform leaves the spectrum transposed: X[u, v] is at [v, u].
                maxError = Math.Max(maxError, Math.Abs(re[v * n + u] - sr) + Math.Abs(im[v * n + u] - si));
            }
        }

        // float32: rounding error grows like log n; the values are O(n).
        Assert.True(maxError < 1e-5 * n, $"max error {maxError}");
        var prunedRe = (float[])re.Clone();
        var prunedIm = (float[])im.Clone();
        fft.Inverse(re, im);
        // Computing only the first columns gives the same values there.
        fft.Inverse(prunedRe, prunedIm, neededColumns: n / 2);
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n / 2; c++) Assert.Equal(re[r * n + c], prunedRe[r * n + c]);
        }

        for (int i = 0; i < re.Length; i++)
        {
            Assert.Equal(origRe[i], re[i] / (n * n), 2e-5);
            Assert.Equal(origIm[i], im[i] / (n * n), 2e-5);
        }
    }

    [Fact]
    public void ForwardSkippingZeroColumnsIsTheSame()
    {
        const int n = 24;
        var random = new Random(1);
        var re = new float[n * n];
        var im = new float[n * n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n / 2; c++) re[r * n + c] = (float)random.NextDouble();
        }

        var fullRe = (float[])re.Clone();
        var fullIm = (float[])im.Clone();
        var fft = new Fft2D(n, threads: 2);
        fft.Forward(fullRe, fullIm);
        fft.Forward(re, im, nonZeroColumns: n / 2);
        Assert.Equal(fullRe, re);
        Assert.Equal(fullIm, im);
    }
}
