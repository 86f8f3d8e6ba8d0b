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
        var re = new double[n * n];
        var im = new double[n * n];
        for (int i = 0; i < re.Length; i++) { re[i] = random.NextDouble() - 0.5; im[i] = random.NextDouble() - 0.5; }
        var origRe = (double[])re.Clone();
        var origIm = (double[])im.Clone();
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

        Assert.True(maxError < 1e-9 * n * n, $"max error {maxError}");
        fft.Inverse(re, im);
        for (int i = 0; i < re.Length; i++)
        {
            Assert.Equal(origRe[i], re[i] / (n * n), 10);
            Assert.Equal(origIm[i], im[i] / (n * n), 10);
        }
    }
}
