using Lumen.Data;

namespace Lumen.Understanding;

/// <summary>
/// Combines the top-K shard files of one sharded run into the result an unsharded run gives: per unit, the K best
/// of the shards' top K (and the K lowest of their bottom K), with the same tie rule as <see cref="TopKCollector"/>
/// (equal scores: the lower index first). Exact, since each shard's K best contain every global winner from it.
/// </summary>
public static class TopKMerge
{
    /// <summary>Merges <paramref name="shards"/>, which must be all N shards of one run, each once.</summary>
    /// <returns>The merged result, the catalog of its examples, the model's name, and its class names when a unit is a class (else null).</returns>
    /// <exception cref="LumenException">Shards of different runs, missing or repeated shards (kind InputData).</exception>
    public static (TopKResult Result, ExampleCatalog Examples, string Model, IReadOnlyList<string>? ModelClassNames) Merge(IReadOnlyList<TopKShardContents> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw LumenException.Usage("no shard files given");
        var first = shards[0];
        foreach (var shard in shards)
        {
            string? differs = shard.Model != first.Model ? "model" : shard.Data != first.Data ? "dataset"
                : shard.Images != first.Images ? "image count" : shard.Result.K != first.Result.K ? "K"
                : shard.Shard.Count != first.Shard.Count ? "shard count"
                : !shard.Result.Rankings.Select(r => r.Unit).SequenceEqual(first.Result.Rankings.Select(r => r.Unit)) ? "units" : null;
            if (differs is not null) throw LumenException.InputData($"shard {shard.Shard} and shard {first.Shard} come from different runs: their {differs} differ");
        }

        DatasetShard.CheckComplete([.. shards.Select(s => s.Shard)]);

        int k = first.Result.K;
        var rankings = first.Result.Rankings.Select((ranking, u) => new UnitRanking(ranking.Unit,
            shards.SelectMany(s => s.Result.Rankings[u].Top).OrderByDescending(e => e.Score).ThenBy(e => e.Index).Take(k).ToList(),
            shards.SelectMany(s => s.Result.Rankings[u].Bottom).OrderBy(e => e.Score).ThenBy(e => e.Index).Take(k).ToList())).ToList();
        var kept = rankings.SelectMany(r => r.Top.Concat(r.Bottom)).Select(e => e.Index).ToHashSet();
        var thumbnails = shards.SelectMany(s => s.Result.Thumbnails).Where(pair => kept.Contains(pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value);
        var examples = shards.SelectMany(s => s.Examples).GroupBy(pair => pair.Key).ToDictionary(g => g.Key, g => g.First().Value);
        var catalog = new ExampleCatalog(first.Data, index => examples[index].Name, index => examples[index].Label, first.ClassNames);
        return (new TopKResult(k, first.Images, rankings, thumbnails), catalog, first.Model, first.ModelClassNames);
    }
}
