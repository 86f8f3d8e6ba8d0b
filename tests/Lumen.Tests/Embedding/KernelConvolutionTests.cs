using Lumen.Embedding;
using Xunit;

namespace Lumen.Tests.Embedding;

public class KernelConvolutionTests
{
    [Theory]
    [InlineData(6, 0.7)]
    [InlineData(9, 0.25)]
    public void PotentialsAndThePairSumMatchTheDirectSums(int m, double spacing)
    {
        var random = new Random(m);
        var charges = new float[m * m];
        for (int i = 0; i < charges.Length; i++) charges[i] = (float)random.NextDouble();
        var potentials = new float[2 * m * m];
        using var convolution = new KernelConvolution();
        double pairSum = convolution.Convolve(m, spacing, charges, potentials);

        double expectedPairSum = 0, maxError = 0, maxPotential = 0;
        for (int a = 0; a < m * m; a++)
        {
            double xSum = 0, ySum = 0, k1Sum = 0;
            for (int b = 0; b < m * m; b++)
            {
                double dy = spacing * (a / m - b / m), dx = spacing * (a % m - b % m);
                double k1 = 1 / (1 + dx * dx + dy * dy);
                xSum += k1 * k1 * dx * charges[b];
                ySum += k1 * k1 * dy * charges[b];
                k1Sum += k1 * charges[b];
            }

            maxError = Math.Max(maxError, Math.Max(Math.Abs(potentials[a] - xSum), Math.Abs(potentials[m * m + a] - ySum)));
            maxPotential = Math.Max(maxPotential, Math.Max(Math.Abs(xSum), Math.Abs(ySum)));
            expectedPairSum += charges[a] * k1Sum;
        }

        // float32 transforms: about 1e-6 of the largest potential.
        Assert.True(maxError < 1e-5 * maxPotential, $"potential error {maxError} (largest {maxPotential})");
        Assert.Equal(expectedPairSum, pairSum, expectedPairSum * 1e-5);
    }

    [Fact]
    public void FinerGridsApproachTheExactForces()
    {
        int n = 400;
        var y = EmbeddingTestData.RandomEmbedding(n, 5, 5);
        var exact = new double[2 * n];
        double zExact = new ExactRepulsion().Compute(y, exact);
        var errors = new List<double>();
        var zErrors = new List<double>();
        foreach (double boxesPerUnit in new[] { 1.0, 2.0, 4.0 })
        {
            var forces = new double[2 * n];
            using var engine = new FftRepulsion(minIntervals: 1, intervalsPerUnit: boxesPerUnit, threads: 2);
            double z = engine.Compute(y, forces);
            zErrors.Add(Math.Abs(z / zExact - 1));
            errors.Add(EmbeddingTestData.RelativeL2(forces, exact));
        }

        // 3-point interpolation: the error falls by about 2^3 per halving of the node spacing.
        Assert.True(errors[1] < errors[0] / 3 && errors[2] < errors[1] / 3, $"force errors {string.Join(", ", errors)}");
        Assert.True(zErrors[0] < 5e-3 && zErrors[1] < zErrors[0] / 3 && zErrors[2] < zErrors[1] / 3, $"Z errors {string.Join(", ", zErrors)}");
    }
}
