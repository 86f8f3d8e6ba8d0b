using Lumen.Models;
using Lumen.Runtime;

namespace Lumen.Attributions.Layers;

/// <summary>Splits the points of a path integral into passes that fit the internal batch size and memory.</summary>
internal static class PathChunks
{
    /// <summary>(first point, number of points) of each pass over <paramref name="points"/> points of <paramref name="images"/> images.</summary>
    public static IEnumerable<(int First, int Count)> Of(ExplainableModel model, int internalBatchSize, long images, int points)
    {
        if (internalBatchSize <= 0) throw LumenException.Usage($"--param internal-batch-size={internalBatchSize}: expected a positive number");
        int perPass = GradientMemory.CopiesPerPass(model, internalBatchSize, images, points);
        for (int first = 0; first < points; first += perPass) yield return (first, Math.Min(perPass, points - first));
    }
}
