namespace Lumen.Attributions.Perturbation;

/// <summary>
/// KernelSHAP's constrained regression (Lundberg and Lee 2017): given coalitions z ∈ {0,1}^M with scores y, the
/// base value φ₀ = f(nothing on) and the output f(x) = f(everything on), finds φ minimising
/// Σ_i w_i (y_i − φ₀ − Σ_j φ_j z_ij)² subject to the efficiency constraint Σ_j φ_j = f(x) − φ₀. The constraint is
/// eliminated exactly, as the shap package does: φ_M = Δ − Σ_{j&lt;M} φ_j, so the least-squares problem over
/// φ_1..φ_{M−1} has columns z_ij − z_iM and targets y_i − φ₀ − z_iM Δ.
/// </summary>
public sealed class ShapleyRegression
{
    private ShapleyRegression(double[] values, double r2)
    {
        Values = values;
        R2 = r2;
    }

    /// <summary>φ_1..φ_M, summing to f(x) − φ₀.</summary>
    public double[] Values { get; }

    /// <summary>The weighted R² of φ₀ + Σ φ_j z_j on the coalitions.</summary>
    public double R2 { get; }

    /// <summary>
    /// The Shapley kernel weight of a coalition of <paramref name="size"/> of <paramref name="total"/> players:
    /// (M − 1) / (C(M, k) k (M − k)); infinite for the empty and the full coalition (the constraints).
    /// </summary>
    public static double KernelWeight(int size, int total)
    {
        if (size <= 0 || size >= total) return double.PositiveInfinity;
        double logChoose = 0;
        for (int i = 1; i <= size; i++) logChoose += Math.Log(total - size + i) - Math.Log(i);
        return (total - 1) / (Math.Exp(logChoose) * size * (total - size));
    }

    /// <summary>Fits φ.</summary>
    /// <param name="design">Coalitions, row-major [samples x features] of 0/1.</param>
    /// <param name="features">M.</param>
    /// <param name="targets">The score of each coalition.</param>
    /// <param name="weights">The regression weight of each coalition.</param>
    /// <param name="baseValue">φ₀, the score with nothing on.</param>
    /// <param name="outputValue">f(x), the score with everything on.</param>
    public static ShapleyRegression Fit(double[] design, int features, double[] targets, double[] weights, double baseValue, double outputValue)
    {
        double delta = outputValue - baseValue;
        int samples = targets.Length, free = features - 1;
        var values = new double[features];
        if (free == 0)
        {
            values[0] = delta;
        }
        else
        {
            var gram = new double[free * free];
            var right = new double[free];
            var row = new double[free];
            for (int i = 0; i < samples; i++)
            {
                double last = design[i * features + free];
                for (int j = 0; j < free; j++) row[j] = design[i * features + j] - last;
                double t = targets[i] - baseValue - last * delta;
                double w = weights[i];
                for (int j = 0; j < free; j++)
                {
                    double wx = w * row[j];
                    right[j] += wx * t;
                    for (int k = 0; k <= j; k++) gram[j * free + k] += wx * row[k];
                }
            }
            for (int j = 0; j < free; j++)
                for (int k = 0; k < j; k++) gram[k * free + j] = gram[j * free + k];
            double[] solved = SymmetricSolver.Solve(gram, right, free);
            Array.Copy(solved, values, free);
            values[free] = delta - solved.Sum();
        }

        double total = weights.Sum(), mean = 0;
        for (int i = 0; i < samples; i++) mean += weights[i] * targets[i] / total;
        double residual = 0, spread = 0;
        for (int i = 0; i < samples; i++)
        {
            double prediction = baseValue;
            for (int j = 0; j < features; j++) prediction += values[j] * design[i * features + j];
            residual += weights[i] * (targets[i] - prediction) * (targets[i] - prediction);
            spread += weights[i] * (targets[i] - mean) * (targets[i] - mean);
        }
        double r2 = spread > 0 ? 1 - residual / spread : residual <= 1e-24 ? 1 : 0;
        return new ShapleyRegression(values, r2);
    }
}
