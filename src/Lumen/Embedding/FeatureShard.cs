using Lumen.Data;

namespace Lumen.Embedding;

/// <summary>What a feature shard holds: its manifest's fields and its rows.</summary>
/// <param name="Shard">Which shard.</param>
/// <param name="Source">What the features are: dataset, model, layer and pooling, identical for every shard of a run.</param>
/// <param name="Images">The whole dataset's image count.</param>
/// <param name="Features">The shard's rows.</param>
/// <param name="Labels">The shard's labels, or null.</param>
/// <param name="ClassNames">Names of the label ids, or null.</param>
public sealed record FeatureShard(DatasetShard Shard, string Source, int Images, FeatureMatrix Features, long[]? Labels, IReadOnlyList<string>? ClassNames);
