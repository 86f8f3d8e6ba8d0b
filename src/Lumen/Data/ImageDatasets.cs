using Lumen.IO;
using Lumen.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Data;

/// <summary>Opens datasets: folders of images, folders of IDX files, Fashion-MNIST, .npy arrays and tensors.</summary>
public static class ImageDatasets
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs Fashion-MNIST.</summary>
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The name that stands for <see cref="FashionMnistFolder"/> wherever a dataset path is expected.</summary>
    public const string FashionMnistAlias = "fashion-mnist";

    /// <summary>The splits of IDX datasets: <c>train</c> and <c>test</c>.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "test"];

    /// <summary>Fashion-MNIST's ten class names, by label id.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Opens the dataset at <paramref name="path"/>: the alias <c>fashion-mnist</c> (see <see cref="Downloads.FashionMnist"/>:
    /// the Debian package's files, else Lumen's cached copy, else downloaded into the cache); a folder holding IDX files
    /// (<c>train-images-idx3-ubyte[.gz]</c> and <c>train-labels-idx1-ubyte[.gz]</c>, or <c>t10k-…</c> for the test
    /// split); a folder of images (or of class sub-folders of images); or an <c>.npy</c> file of images
    /// [N, C, H, W] (or [N, H, W]) with float values in [0, 1] or uint8 values.
    /// </summary>
    /// <param name="path">The dataset.</param>
    /// <param name="split"><c>train</c> or <c>test</c>; only IDX folders have splits.</param>
    /// <exception cref="LumenException">The split is unknown (kind Usage); the path is missing or holds no dataset (kind InputData).</exception>
    public static IImageDataset Open(string path, string split = "test")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Splits.Contains(split))
        {
            throw LumenException.Usage($"unknown split '{split}'; use one of: {string.Join(", ", Splits)}");
        }

        if (string.Equals(path, FashionMnistAlias, StringComparison.OrdinalIgnoreCase))
        {
            path = Downloads.FashionMnist.Locate(); // the Debian package's folder, else the cache, else downloaded into it
        }

        Lumen.IO.InputFile.RequireFileOrFolder(path, "Dataset", "images.npy");
        if (File.Exists(path))
        {
            if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                throw LumenException.InputData($"Dataset '{path}' is a file but not an .npy array; pass a folder of images, a folder of IDX files, or an .npy file [N, C, H, W].");
            }

            return OpenNpy(path);
        }

        if (!Directory.Exists(path))
        {
            throw LumenException.InputData($"Dataset '{path}' was not found; pass a folder of images, a folder of IDX files, an .npy file, or '{FashionMnistAlias}'.");
        }

        // The real path names the dataset in descriptions and shard files, so that the same folder given by a
        // relative path, an absolute one or through a link is the same dataset.
        string real = RealPath.Of(path)
            ?? throw LumenException.InputData($"Dataset '{path}' is reached through a loop of symbolic links; pass the dataset's folder itself.");
        return IdxFolder.TryOpen(real, split) ?? ImageFolderDataset.Open(real);
    }

    /// <summary>
    /// A dataset over images already in memory: <paramref name="pixels"/> [N, C, H, W] (C = 1 or 3) with values in
    /// [0, 1]. The dataset shares the tensor's storage (no copy) and frees its own reference when disposed.
    /// </summary>
    /// <param name="pixels">The images.</param>
    /// <param name="labels">One label per image, or null.</param>
    /// <param name="classNames">Names of the label ids, or null.</param>
    /// <exception cref="LumenException">The shape is not [N, 1 or 3, H, W] or the label count differs (kind InputData).</exception>
    public static IImageDataset FromTensor(Tensor pixels, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return new TensorImageDataset(pixels.alias(), $"tensor of {pixels.shape[0]} images", labels, classNames);
    }

    private static IImageDataset OpenNpy(string path)
    {
        using var array = NpyFile.Read(path);
        FiniteValues.Require(array, $"Dataset '{path}'");
        var description = $"'{Path.GetFileName(path)}' ({array.shape[0]} images)";
        using var images = array.dim() == 3 ? array.unsqueeze(1) : array.alias();
        if (images.dtype == ScalarType.Byte)
        {
            using var floats = images.to_type(ScalarType.Float32) / 255f;
            return new TensorImageDataset(floats, description, null, null);
        }

        if (!images.is_floating_point())
        {
            throw LumenException.InputData($"Dataset '{path}' holds {images.dtype} values; images must be float in [0, 1] or uint8.");
        }

        double min, max;
        using (var low = images.min())
        using (var high = images.max())
        {
            (min, max) = (low.ToDouble(), high.ToDouble());
        }

        if (!(min >= 0 && max <= 1))
        {
            throw LumenException.InputData($"Dataset '{path}' has values from {min} to {max}; images must be in [0, 1] (divide 8-bit pixels by 255).");
        }

        return new TensorImageDataset(images, description, null, null);
    }
}
