using Lumen.Data;
using Xunit;

namespace Lumen.Tests.Data;

/// <summary>Shards split a dataset into contiguous parts that cover every image exactly once.</summary>
public class DatasetShardTests
{
    [Theory]
    [InlineData(10, 4)]
    [InlineData(70000, 7)]
    [InlineData(5, 5)]
    [InlineData(3, 8)]
    public void ShardsCoverEveryImageExactlyOnceInOrder(int total, int shards)
    {
        int next = 0;
        for (int i = 0; i < shards; i++)
        {
            var shard = new DatasetShard(i, shards);
            Assert.Equal(next, shard.StartIn(total));
            Assert.InRange(shard.CountIn(total), total / shards, total / shards + 1);
            next += shard.CountIn(total);
        }
        Assert.Equal(total, next);
    }

    [Fact]
    public void ParseReadsIndexSlashCountAndRefusesTheRest()
    {
        Assert.Equal(new DatasetShard(2, 4), DatasetShard.Parse("2/4"));
        Assert.Equal("2/4", new DatasetShard(2, 4).ToString());
        foreach (string bad in new[] { "4/4", "2", "a/b", "1/0", "-1/3", " 1/3", "1/3/5" })
        {
            var error = Assert.Throws<LumenException>(() => DatasetShard.Parse(bad));
            Assert.Equal(ErrorKind.Usage, error.Kind);
        }
    }

    [Fact]
    public void ASliceShowsItsPartOfTheDatasetWithItsOwnIndices()
    {
        using var pixels = TorchSharp.torch.arange(10f).view(10, 1, 1, 1) / 10f;
        using var data = ImageDatasets.FromTensor(pixels, Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        using var slice = new DatasetShard(1, 3).Of(data);
        Assert.Equal(3, slice.Start);
        Assert.Equal(3, slice.Count);
        Assert.Equal(new long[] { 3, 4, 5 }, slice.Labels);
        Assert.Equal(data.ItemName(4), slice.ItemName(1));
        using var loaded = slice.LoadPixels(0, 3);
        Assert.Equal(new[] { 0.3f, 0.4f, 0.5f }, loaded.flatten().data<float>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => slice.LoadPixels(2, 2));
    }
}
