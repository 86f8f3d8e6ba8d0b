namespace Lumen.Data;

/// <summary>Checks a requested slice against a dataset's size.</summary>
internal static class DatasetRange
{
    public static void Check(IImageDataset data, int start, int count)
    {
        if (start < 0 || count < 0 || start > data.Count - count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"images {start}..{start + count - 1} are outside {data.Description} (0..{data.Count - 1})");
        }
    }
}
