namespace Lumen.Attributions.Perturbation;

/// <summary>How LIME picks the superpixels its final surrogate uses (lime's <c>feature_selection</c>).</summary>
public enum FeatureSelectionMethod
{
    /// <summary><see cref="ForwardSelection"/> for at most 6 features, otherwise <see cref="HighestWeights"/> (lime's default).</summary>
    Auto,

    /// <summary>Every feature.</summary>
    None,

    /// <summary>The K largest |coefficients| of a weighted ridge fit with alpha 0.01 on all features.</summary>
    HighestWeights,

    /// <summary>Greedily add the feature that most improves the weighted R² of a least-squares fit, K times.</summary>
    ForwardSelection,

    /// <summary>The support of the weighted lasso path at the smallest penalty that keeps at most K features.</summary>
    LassoPath,
}

/// <summary>LIME's feature selection on a binary design matrix with sample weights.</summary>
public static class FeatureSelection
{
    /// <summary>The command-line names, in enum order.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "auto", "none", "highest-weights", "forward-selection", "lasso-path" };

    /// <summary>Parses a command-line name.</summary>
    public static FeatureSelectionMethod Parse(string text)
    {
        int index = Names.ToList().IndexOf(text.Trim().ToLowerInvariant().Replace('_', '-'));
        return index >= 0
            ? (FeatureSelectionMethod)index
            : throw LumenException.Usage($"--param selection={text}: expected one of {string.Join(", ", Names)}");
    }

    /// <summary>The command-line name of <paramref name="method"/>.</summary>
    public static string NameOf(FeatureSelectionMethod method) => Names[(int)method];

    /// <summary>The columns (at most <paramref name="count"/>) chosen by <paramref name="method"/>.</summary>
    public static int[] Select(FeatureSelectionMethod method, double[] design, int featureCount, double[] targets, double[] weights, int count)
    {
        count = Math.Min(count, featureCount);
        var all = Enumerable.Range(0, featureCount).ToArray();
        switch (method)
        {
            case FeatureSelectionMethod.None:
                return all;
            case FeatureSelectionMethod.Auto:
                return Select(count <= 6 ? FeatureSelectionMethod.ForwardSelection : FeatureSelectionMethod.HighestWeights, design, featureCount, targets, weights, count);
            case FeatureSelectionMethod.HighestWeights:
                var fit = WeightedRidge.Fit(design, featureCount, all, targets, weights, 0.01);
                return all.OrderByDescending(j => Math.Abs(fit.Coefficients[j])).ThenBy(j => j).Take(count).ToArray();
            case FeatureSelectionMethod.ForwardSelection:
                return Forward(design, featureCount, targets, weights, count);
            default:
                return LassoSupport(design, featureCount, targets, weights, count);
        }
    }

    private static int[] Forward(double[] design, int featureCount, double[] targets, double[] weights, int count)
    {
        var used = new List<int>();
        for (int step = 0; step < count; step++)
        {
            int best = -1;
            double bestScore = double.NegativeInfinity;
            for (int j = 0; j < featureCount; j++)
            {
                if (used.Contains(j)) continue;
                double score = WeightedRidge.Fit(design, featureCount, used.Append(j).ToList(), targets, weights, 0).R2;
                if (score > bestScore)
                {
                    bestScore = score;
                    best = j;
                }
            }
            used.Add(best);
        }
        return used.ToArray();
    }

    /// <summary>
    /// Weighted lasso by cyclic coordinate descent on the weighted, centred problem (X̃ = √w (X − x̄), ỹ = √w (y − ȳ),
    /// objective ½‖ỹ − X̃β‖² / n + λ‖β‖₁), along 100 penalties from λ_max = max|X̃ᵀỹ| / n down to λ_max / 1000 on a
    /// log scale with warm starts; the answer is the support at the smallest λ with at most <paramref name="count"/>
    /// non-zero coefficients (lime walks its LARS path the same way).
    /// </summary>
    private static int[] LassoSupport(double[] design, int featureCount, double[] targets, double[] weights, int count)
    {
        int samples = targets.Length;
        double total = weights.Sum();
        var x = new double[samples * featureCount];
        var y = new double[samples];
        double meanTarget = 0;
        for (int i = 0; i < samples; i++) meanTarget += weights[i] * targets[i] / total;
        for (int j = 0; j < featureCount; j++)
        {
            double mean = 0;
            for (int i = 0; i < samples; i++) mean += weights[i] * design[i * featureCount + j] / total;
            for (int i = 0; i < samples; i++) x[i * featureCount + j] = Math.Sqrt(weights[i]) * (design[i * featureCount + j] - mean);
        }
        for (int i = 0; i < samples; i++) y[i] = Math.Sqrt(weights[i]) * (targets[i] - meanTarget);

        var squares = new double[featureCount];
        double lambdaMax = 0;
        for (int j = 0; j < featureCount; j++)
        {
            double dot = 0;
            for (int i = 0; i < samples; i++)
            {
                squares[j] += x[i * featureCount + j] * x[i * featureCount + j];
                dot += x[i * featureCount + j] * y[i];
            }
            lambdaMax = Math.Max(lambdaMax, Math.Abs(dot) / samples);
        }
        var beta = new double[featureCount];
        var residual = (double[])y.Clone();
        int[] support = Array.Empty<int>();
        for (int step = 0; step < 100 && lambdaMax > 0; step++)
        {
            double lambda = lambdaMax * Math.Pow(1e-3, step / 99.0);
            for (int sweep = 0; sweep < 1000; sweep++)
            {
                double largestChange = 0;
                for (int j = 0; j < featureCount; j++)
                {
                    if (squares[j] == 0) continue;
                    double rho = 0;
                    for (int i = 0; i < samples; i++) rho += x[i * featureCount + j] * residual[i];
                    rho = rho / samples + beta[j] * squares[j] / samples;
                    double updated = Math.Sign(rho) * Math.Max(Math.Abs(rho) - lambda, 0) / (squares[j] / samples);
                    double change = updated - beta[j];
                    if (change == 0) continue;
                    for (int i = 0; i < samples; i++) residual[i] -= change * x[i * featureCount + j];
                    beta[j] = updated;
                    largestChange = Math.Max(largestChange, Math.Abs(change));
                }
                if (largestChange < 1e-9) break;
            }
            var current = Enumerable.Range(0, featureCount).Where(j => beta[j] != 0).ToArray();
            if (current.Length > count) break;
            support = current;
        }
        return support;
    }
}
