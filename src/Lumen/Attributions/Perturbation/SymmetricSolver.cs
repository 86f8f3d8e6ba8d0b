namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Solves A x = b for a symmetric positive semi-definite A by Cholesky factorisation in double precision. A singular
/// A (collinear features, e.g. superpixels that were always on together) gets a tiny ridge, 1e-10 times its largest
/// diagonal entry, growing tenfold until it factorises: the minimum-norm-like solution least squares would pick.
/// </summary>
internal static class SymmetricSolver
{
    public static double[] Solve(double[] a, double[] b, int n)
    {
        if (n == 0) return Array.Empty<double>();
        double largest = Enumerable.Range(0, n).Max(i => Math.Abs(a[i * n + i]));
        double jitter = 0;
        for (int attempt = 0; attempt < 12; attempt++)
        {
            double[]? factor = Cholesky(a, n, jitter);
            if (factor is not null) return Substitute(factor, b, n);
            jitter = jitter == 0 ? Math.Max(largest, 1e-300) * 1e-10 : jitter * 10;
        }
        throw new InvalidOperationException("the surrogate's normal equations could not be solved");
    }

    private static double[]? Cholesky(double[] a, int n, double jitter)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * n + j] + (i == j ? jitter : 0);
                for (int k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(sum > 1e-14 * Math.Max(1, Math.Abs(a[i * n + i])))) return null;
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        return l;
    }

    private static double[] Substitute(double[] l, double[] b, int n)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
            y[i] = sum / l[i * n + i];
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
            x[i] = sum / l[i * n + i];
        }
        return x;
    }
}
