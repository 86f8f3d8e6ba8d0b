namespace Lumen.Attributions.Gradients;

/// <summary>The points alpha_i in [0, 1] and weights w_i of a path integral, as Captum computes them.</summary>
/// <param name="Alphas">Where on the path from baseline (0) to input (1) the gradient is taken, ascending.</param>
/// <param name="Weights">The weight of each point.</param>
public sealed record IntegrationPoints(double[] Alphas, double[] Weights)
{
    /// <summary>The command-line names of the methods, in <see cref="IntegrationMethod"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "gausslegendre", "riemann-left", "riemann-right", "riemann-middle", "riemann-trapezoid" };

    /// <summary>The method called <paramref name="name"/> (one of <see cref="Names"/>; underscores are accepted for dashes).</summary>
    public static IntegrationMethod Parse(string name)
    {
        int index = Names.ToList().IndexOf(name.ToLowerInvariant().Replace('_', '-'));
        return index >= 0
            ? (IntegrationMethod)index
            : throw LumenException.Usage($"unknown integration method '{name}'; use one of {string.Join(", ", Names)}");
    }

    /// <summary>The command-line name of <paramref name="method"/>.</summary>
    public static string NameOf(IntegrationMethod method) => Names[(int)method];

    /// <summary>The <paramref name="steps"/> points and weights of <paramref name="method"/>.</summary>
    public static IntegrationPoints For(IntegrationMethod method, int steps)
    {
        int minimum = method == IntegrationMethod.RiemannTrapezoid ? 2 : 1;
        if (steps < minimum) throw LumenException.Usage($"--param steps={steps}: {NameOf(method)} needs at least {minimum} step(s)");
        if (method == IntegrationMethod.GaussLegendre) return GaussLegendre(steps);
        double[] weights = Enumerable.Repeat(1.0 / steps, steps).ToArray();
        double[] alphas = method switch
        {
            IntegrationMethod.RiemannLeft => Linspace(0, 1 - 1.0 / steps, steps),
            IntegrationMethod.RiemannRight => Linspace(1.0 / steps, 1, steps),
            IntegrationMethod.RiemannMiddle => Linspace(1.0 / (2 * steps), 1 - 1.0 / (2 * steps), steps),
            _ => Linspace(0, 1, steps),
        };
        if (method == IntegrationMethod.RiemannTrapezoid)
        {
            weights[0] /= 2;
            weights[^1] /= 2;
        }
        return new IntegrationPoints(alphas, weights);
    }

    /// <summary>
    /// Gauss-Legendre nodes x_i and weights w_i on [-1, 1] (Newton's method on the Legendre polynomial P_n, to double
    /// precision), mapped to [0, 1] as Captum does: alpha_i = (1 + x_i) / 2, weight_i = w_i / 2.
    /// </summary>
    private static IntegrationPoints GaussLegendre(int n)
    {
        var alphas = new double[n];
        var weights = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double value, derivative) = Legendre(n, x);
                double step = value / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-16) break;
            }
            (_, derivative) = Legendre(n, x);
            double weight = 2 / ((1 - x * x) * derivative * derivative);
            // x is the i-th largest node; its mirror -x is the i-th smallest.
            alphas[n - 1 - i] = (1 + x) / 2;
            alphas[i] = (1 - x) / 2;
            weights[n - 1 - i] = weights[i] = weight / 2;
        }
        return new IntegrationPoints(alphas, weights);
    }

    /// <summary>P_n(x) and P_n'(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1, current = x;
        if (n == 0) return (1, 0);
        for (int k = 2; k <= n; k++)
        {
            double next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
            previous = current;
            current = next;
        }
        double derivative = n * (x * current - previous) / (x * x - 1);
        return (current, derivative);
    }

    private static double[] Linspace(double start, double end, int count) =>
        count == 1 ? new[] { start } : Enumerable.Range(0, count).Select(i => start + (end - start) * i / (count - 1)).ToArray();
}
