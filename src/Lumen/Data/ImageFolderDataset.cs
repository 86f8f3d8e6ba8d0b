using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>
/// The image files of a folder in ordinal file-name order; when the images sit in sub-folders instead, each
/// sub-folder is a class (sorted by name, like torchvision's <c>ImageFolder</c>) and gives the images' labels.
/// </summary>
internal sealed class ImageFolderDataset : IImageDataset, IPreprocessingDataset
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif"];
    private readonly string[] files;

    private ImageFolderDataset(string[] files, string description, IReadOnlyList<long>? labels, IReadOnlyList<string>? classNames)
    {
        this.files = files;
        Description = description;
        Labels = labels;
        ClassNames = classNames;
    }

    public string Description { get; }

    public int Count => files.Length;

    public IReadOnlyList<long>? Labels { get; }

    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Opens <paramref name="folder"/>: its own images, or else one class per sub-folder holding images.</summary>
    public static ImageFolderDataset Open(string folder)
    {
        var own = ImagesIn(folder);
        if (own.Length > 0)
        {
            return new ImageFolderDataset(own, $"folder '{folder}' ({own.Length} images)", null, null);
        }

        var classes = Directory.GetDirectories(folder).Order(StringComparer.Ordinal)
            .Select(directory => (Name: Path.GetFileName(directory), Files: ImagesIn(directory)))
            .Where(c => c.Files.Length > 0).ToArray();
        if (classes.Length == 0)
        {
            throw LumenException.InputData($"Folder '{folder}' holds no images ({string.Join(", ", Extensions)}), no class sub-folders with images and no IDX files; point --data at a folder of images or of Fashion-MNIST IDX files.");
        }

        var all = classes.SelectMany(c => c.Files).ToArray();
        var labels = classes.SelectMany((c, label) => Enumerable.Repeat((long)label, c.Files.Length)).ToArray();
        return new ImageFolderDataset(all, $"folder '{folder}' ({all.Length} images in {classes.Length} classes)", labels, [.. classes.Select(c => c.Name)]);
    }

    public string ItemName(int index) => Path.GetFileName(files[index]);

    public Tensor LoadPixels(int start, int count)
    {
        DatasetRange.Check(this, start, count);
        using var loaded = ImageLoader.Load(files[start..(start + count)], ImagePreprocessing.None);
        return loaded.Display.alias();
    }

    public (Tensor Display, Tensor Input) Load(int start, int count, ImagePreprocessing preprocessing)
    {
        DatasetRange.Check(this, start, count);
        var loaded = ImageLoader.Load(files[start..(start + count)], preprocessing);
        return (loaded.Display, loaded.Input);
    }

    public void Dispose()
    {
    }

    private static string[] ImagesIn(string folder) =>
        Directory.GetFiles(folder)
            .Where(file => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
}
