namespace Lumen.Data;

/// <summary>Finds the IDX image and label files of a split in a folder (MNIST / Fashion-MNIST naming).</summary>
internal static class IdxFolder
{
    /// <summary>The IDX dataset of <paramref name="split"/> in <paramref name="folder"/>, or null when the folder has no IDX files.</summary>
    public static IImageDataset? TryOpen(string folder, string split)
    {
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().ToArray();
        if (!names.Any(name => name.Contains("-idx", StringComparison.Ordinal)))
        {
            return null;
        }

        var prefix = split == "train" ? "train" : "t10k";
        var images = Find(names, prefix, "images-idx3-ubyte");
        var labels = Find(names, prefix, "labels-idx1-ubyte");
        if (images is null || labels is null)
        {
            throw LumenException.InputData(
                $"Folder '{folder}' has IDX files but not both {prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz] for the {split} split (found: {string.Join(", ", names.Where(n => n.Contains("-idx", StringComparison.Ordinal)))}).");
        }

        var fashion = folder.Contains("fashion", StringComparison.OrdinalIgnoreCase);
        var name = fashion ? "Fashion-MNIST" : $"IDX folder '{folder}'";
        return new IdxImageDataset(Path.Combine(folder, images), Path.Combine(folder, labels), $"{name} {split} split",
            fashion ? ImageDatasets.FashionMnistClasses : null);
    }

    private static string? Find(string[] names, string prefix, string kind)
    {
        string[] candidates = [$"{prefix}-{kind}", $"{prefix}-{kind}.gz"];
        if (prefix == "t10k")
        {
            candidates = [.. candidates, $"test-{kind}", $"test-{kind}.gz"];
        }

        return candidates.FirstOrDefault(names.Contains);
    }
}
