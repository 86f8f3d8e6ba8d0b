namespace Lumen.Attributions.Perturbation;

/// <summary>
/// A weighted linear least-squares fit with an unpenalised intercept, as scikit-learn's <c>Ridge(alpha,
/// fit_intercept=True).fit(X, y, sample_weight=w)</c> computes it: the columns and targets are centred on their
/// weighted means, β solves (X̃ᵀWX̃ + αI) β = X̃ᵀW ỹ (Cholesky, in double precision), and the intercept is
/// ȳ − x̄ᵀβ. <see cref="R2"/> is the weighted coefficient of determination of the fit on its own samples
/// (scikit-learn's <c>score</c> with sample weights).
/// </summary>
public sealed class WeightedRidge
{
    private WeightedRidge(int[] columns, double[] coefficients, double intercept, double r2)
    {
        Columns = columns;
        Coefficients = coefficients;
        Intercept = intercept;
        R2 = r2;
    }

    /// <summary>The columns of the design matrix that were used, in the order of <see cref="Coefficients"/>.</summary>
    public int[] Columns { get; }

    /// <summary>One coefficient per used column.</summary>
    public double[] Coefficients { get; }

    /// <summary>The intercept.</summary>
    public double Intercept { get; }

    /// <summary>The weighted R² on the fitted samples (1 for a perfect fit; 1 or 0 when the targets are constant).</summary>
    public double R2 { get; }

    /// <summary>The prediction for one row of the full design matrix (all columns).</summary>
    public double Predict(double[] design, int featureCount, int row)
    {
        double value = Intercept;
        for (int j = 0; j < Columns.Length; j++) value += Coefficients[j] * design[row * featureCount + Columns[j]];
        return value;
    }

    /// <summary>Fits the columns <paramref name="columns"/> of <paramref name="design"/> (samples x features, row-major).</summary>
    /// <param name="design">The design matrix, row-major.</param>
    /// <param name="featureCount">Its number of columns.</param>
    /// <param name="columns">The columns to use.</param>
    /// <param name="targets">One target per sample.</param>
    /// <param name="weights">One non-negative weight per sample.</param>
    /// <param name="alpha">The ridge penalty (0 for weighted least squares).</param>
    public static WeightedRidge Fit(double[] design, int featureCount, IReadOnlyList<int> columns, double[] targets, double[] weights, double alpha)
    {
        int samples = targets.Length, m = columns.Count;
        double total = weights.Sum();
        if (total <= 0) throw LumenException.Usage("every perturbed sample got weight 0; use a larger --param kernel-width=");
        var mean = new double[m];
        double meanTarget = 0;
        for (int i = 0; i < samples; i++)
        {
            meanTarget += weights[i] * targets[i];
            for (int j = 0; j < m; j++) mean[j] += weights[i] * design[i * featureCount + columns[j]];
        }
        meanTarget /= total;
        for (int j = 0; j < m; j++) mean[j] /= total;

        var gram = new double[m * m];
        var right = new double[m];
        var centred = new double[m];
        for (int i = 0; i < samples; i++)
        {
            double w = weights[i];
            if (w == 0) continue;
            for (int j = 0; j < m; j++) centred[j] = design[i * featureCount + columns[j]] - mean[j];
            double y = targets[i] - meanTarget;
            for (int j = 0; j < m; j++)
            {
                double wx = w * centred[j];
                right[j] += wx * y;
                for (int k = 0; k <= j; k++) gram[j * m + k] += wx * centred[k];
            }
        }
        for (int j = 0; j < m; j++)
        {
            gram[j * m + j] += alpha;
            for (int k = 0; k < j; k++) gram[k * m + j] = gram[j * m + k];
        }
        double[] beta = SymmetricSolver.Solve(gram, right, m);
        double intercept = meanTarget;
        for (int j = 0; j < m; j++) intercept -= mean[j] * beta[j];

        var columnsCopy = columns.ToArray();
        var fit = new WeightedRidge(columnsCopy, beta, intercept, 0);
        double residual = 0, spread = 0;
        for (int i = 0; i < samples; i++)
        {
            double error = targets[i] - fit.Predict(design, featureCount, i);
            residual += weights[i] * error * error;
            spread += weights[i] * (targets[i] - meanTarget) * (targets[i] - meanTarget);
        }
        double r2 = spread > 0 ? 1 - residual / spread : residual <= 1e-24 ? 1 : 0;
        return new WeightedRidge(columnsCopy, beta, intercept, r2);
    }
}
