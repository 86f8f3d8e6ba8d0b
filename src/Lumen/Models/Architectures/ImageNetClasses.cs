namespace Lumen.Models.Architectures;

/// <summary>
/// The 1000 ImageNet-1k class names in class-index order, as TorchVision ships them (<c>_IMAGENET_CATEGORIES</c>):
/// class 281 is "tabby". Read once from the embedded <c>imagenet_classes.txt</c>, which <c>imagenet_classes.py</c>
/// next to it writes.
/// </summary>
public static class ImageNetClasses
{
    private const string ResourceName = "Lumen.Models.Architectures.imagenet_classes.txt";
    private static readonly Lazy<IReadOnlyList<string>> names = new(Read);

    /// <summary>The number of classes.</summary>
    public const int Count = 1000;

    /// <summary>The names, index i naming class i.</summary>
    public static IReadOnlyList<string> Names => names.Value;

    private static IReadOnlyList<string> Read()
    {
        using var stream = typeof(ImageNetClasses).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new LumenException(ErrorKind.Internal, $"The embedded class names {ResourceName} are missing from the Lumen assembly; the build is broken.");
        using var reader = new StreamReader(stream);
        var read = reader.ReadToEnd().Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (read.Count > 0 && read[^1].Length == 0) read.RemoveAt(read.Count - 1);
        if (read.Count != Count) throw new LumenException(ErrorKind.Internal, $"The embedded {ResourceName} holds {read.Count} names instead of {Count}; the build is broken.");
        return read;
    }
}
