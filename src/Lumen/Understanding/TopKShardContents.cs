using Lumen.Data;
using Lumen.Imaging;

namespace Lumen.Understanding;

/// <summary>What a top-K shard file holds (see <see cref="TopKShardFile"/>).</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Result">The shard's rankings and pictures, with dataset-wide indices.</param>
/// <param name="Shard">Which shard.</param>
/// <param name="Data">The whole dataset's description.</param>
/// <param name="Images">The whole dataset's image count.</param>
/// <param name="Examples">Name and label of every ranked example, by index.</param>
/// <param name="ClassNames">Names of the label ids, or null.</param>
/// <param name="ModelClassNames">The model's class names when a unit is a class, or null.</param>
public sealed record TopKShardContents(string Model, TopKResult Result, DatasetShard Shard, string Data, int Images,
    IReadOnlyDictionary<int, (string Name, long? Label)> Examples, IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? ModelClassNames = null);
