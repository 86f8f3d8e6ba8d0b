namespace Lumen.Cli.Commands;

/// <summary>What <c>lumen evaluate</c> was asked to do.</summary>
/// <param name="Images">Image files, or empty when <paramref name="Array"/> is given.</param>
/// <param name="Array">A preprocessed .npy batch, or null.</param>
/// <param name="Methods">Method names (catalog methods, <c>random</c>, <c>sobel</c>).</param>
/// <param name="Metrics">Metric names.</param>
/// <param name="Target">The --target text.</param>
/// <param name="Layer">The --layer, or null.</param>
/// <param name="Parameters">The --param method settings.</param>
/// <param name="OutputFolder">Where evaluation.csv goes.</param>
/// <param name="Step">--step, or null for each metric's default.</param>
/// <param name="Replacement">--replacement text, or null for the default (blur).</param>
/// <param name="Region">--region, or null for the default.</param>
/// <param name="Score">--score: logit, probability or log-probability.</param>
/// <param name="BatchSize">--batch-size: inputs per forward pass.</param>
/// <param name="Seed">--seed of the randomized parameters and of the sensitivity noise.</param>
/// <param name="Radius">--radius of the sensitivity noise.</param>
/// <param name="Samples">--samples: noisy copies per image for sensitivity and infidelity.</param>
/// <param name="LipschitzNoise">--lipschitz-noise: standard deviation of local-lipschitz's input noise.</param>
/// <param name="Masks">--mask files (one for all images or one per image), or empty.</param>
/// <param name="Box">--box x0,y0,x1,y1, or null.</param>
/// <param name="Runs">--runs: random subsets per image of faithfulness correlation.</param>
/// <param name="Subset">--subset: pixels per subset, or null for one image row.</param>
/// <param name="Noise">--noise: standard deviation of infidelity's perturbations.</param>
/// <param name="Percentages">--percentages of ROAD, comma-separated, or null for the default.</param>
/// <param name="TopK">--top-k, or null for 2 % of the pixels.</param>
/// <param name="InputShift">--input-shift of input invariance.</param>
public sealed record EvaluateRequest(
    IReadOnlyList<string> Images,
    string? Array,
    IReadOnlyList<string> Methods,
    IReadOnlyList<string> Metrics,
    string Target,
    string? Layer,
    IReadOnlyDictionary<string, string> Parameters,
    string OutputFolder,
    int? Step,
    string? Replacement,
    int? Region,
    string Score,
    int BatchSize,
    int Seed,
    double Radius,
    int Samples,
    double LipschitzNoise,
    IReadOnlyList<string> Masks,
    string? Box,
    int Runs,
    int? Subset,
    double Noise,
    string? Percentages,
    int? TopK,
    double InputShift);
