using Lumen.Imaging;

namespace Lumen.Cli.Commands;

/// <summary>What <c>lumen explain</c> was asked to do.</summary>
/// <param name="Images">Image files, or empty when <paramref name="Array"/> is given.</param>
/// <param name="Array">A preprocessed .npy batch, or null.</param>
/// <param name="Methods">Method names.</param>
/// <param name="Target">The --target text.</param>
/// <param name="Layer">The --layer, or null.</param>
/// <param name="Parameters">The --param settings.</param>
/// <param name="OutputFolder">Where files go.</param>
/// <param name="Colormap">The heatmap colours, or null for the default per map.</param>
/// <param name="Alpha">The heatmap opacity.</param>
public sealed record ExplainRequest(
    IReadOnlyList<string> Images,
    string? Array,
    IReadOnlyList<string> Methods,
    string Target,
    string? Layer,
    IReadOnlyDictionary<string, string> Parameters,
    string OutputFolder,
    Colormap? Colormap,
    float Alpha);
