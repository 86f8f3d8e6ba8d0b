namespace Lumen.Concepts;

/// <summary>
/// The two-sample Student t-test with pooled variance (scipy's <c>ttest_ind</c> with its default
/// <c>equal_var=True</c>), two-sided, and the special functions it needs (log-gamma by Lanczos' approximation, the
/// regularised incomplete beta function by its continued fraction, evaluated with the modified Lentz method).
/// </summary>
public static class StudentTTest
{
    /// <summary>
    /// The t statistic and the two-sided p-value of the hypothesis that <paramref name="first"/> and
    /// <paramref name="second"/> have the same mean. When both samples have zero variance the p-value is 1 for equal
    /// means and 0 otherwise (the t statistic is then ±∞ or 0).
    /// </summary>
    public static (double T, double P) TwoSided(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        int n1 = first.Count, n2 = second.Count;
        if (n1 < 2 || n2 < 2) throw LumenException.Usage($"a t-test needs at least two values per group (got {n1} and {n2})");
        double mean1 = first.Average(), mean2 = second.Average();
        double squares1 = first.Sum(v => (v - mean1) * (v - mean1)), squares2 = second.Sum(v => (v - mean2) * (v - mean2));
        int freedom = n1 + n2 - 2;
        double pooled = (squares1 + squares2) / freedom;
        double difference = mean1 - mean2;
        if (pooled == 0) return difference == 0 ? (0, 1) : (difference > 0 ? double.PositiveInfinity : double.NegativeInfinity, 0);
        double t = difference / Math.Sqrt(pooled * (1.0 / n1 + 1.0 / n2));
        return (t, TwoSidedP(t, freedom));
    }

    /// <summary>P(|T| ≥ |t|) for Student's t with <paramref name="freedom"/> degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2).</summary>
    public static double TwoSidedP(double t, double freedom)
    {
        if (!(freedom > 0)) throw new ArgumentOutOfRangeException(nameof(freedom), "degrees of freedom must be positive");
        if (double.IsInfinity(t)) return 0;
        return RegularizedBeta(freedom / (freedom + t * t), freedom / 2, 0.5);
    }

    /// <summary>The regularised incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1, a, b &gt; 0.</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) otherwise.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine coefficients: about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), "log-gamma needs a positive argument");
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        double[] c =
        {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300, epsilon = 1e-15;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double result = d;
        for (int m = 1; m <= 10000; m++)
        {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + even / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            result *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + odd / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            result *= delta;
            if (Math.Abs(delta - 1) < epsilon) break;
        }
        return result;
    }
}
