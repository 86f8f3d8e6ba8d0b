using Lumen.IO;

namespace Lumen.Imaging;

/// <summary>
/// How image files become model input, in the order torchvision applies it: resize the shorter side, centre-crop,
/// scale pixel values, then subtract <see cref="Mean"/> and divide by <see cref="Std"/> per channel.
/// </summary>
/// <example>
/// <code>
/// var imagenet = ImagePreprocessing.ImageNet();                      // resize 256, crop 224, ImageNet mean/std
/// var mnist = ImagePreprocessing.None with { ColorMode = ColorMode.Grey, Resize = 28, CenterCrop = 28 };
/// var custom = new ImagePreprocessing { Resize = 160, CenterCrop = 128, Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };
/// </code>
/// </example>
public sealed record ImagePreprocessing
{
    /// <summary>The default limit on each side of an image file, checked before decoding.</summary>
    public const int DefaultMaxImageSide = 16384;

    /// <summary>
    /// Resize so that the shorter side has this many pixels, keeping the aspect ratio (the longer side is
    /// truncated like torchvision's <c>Resize(int)</c>); bilinear with antialiasing, computed as Pillow does on 8-bit
    /// images, so the result equals torchvision's <c>Resize</c> on a PIL image. Null keeps the file's size.
    /// </summary>
    public int? Resize { get; init; }

    /// <summary>Crop this size out of the centre after resizing (offsets rounded like torchvision). Null: no crop.</summary>
    public CropSize? CenterCrop { get; init; }

    /// <summary>Grey (1 channel) or RGB (3 channels). Default RGB.</summary>
    public ColorMode ColorMode { get; init; } = ColorMode.Rgb;

    /// <summary>Multiplies the 0..255 pixel values before normalization. Default 1/255, giving values in [0, 1].</summary>
    public float Scale { get; init; } = 1f / 255f;

    /// <summary>Per-channel mean subtracted after scaling (one value per channel, or one for all). Null: none.</summary>
    public float[]? Mean { get; init; }

    /// <summary>Per-channel standard deviation divided by after subtracting the mean. Null: none.</summary>
    public float[]? Std { get; init; }

    /// <summary>Largest width or height accepted, read from the file header before decoding (guards against decompression bombs).</summary>
    public int MaxImageSide { get; init; } = DefaultMaxImageSide;

    /// <summary>
    /// The memory one image may take once decoded (pixels and their float copies, about
    /// <see cref="DecodePlan.BytesPerDecodedPixel"/> bytes per pixel), checked from the file's header before decoding.
    /// An image above it is decoded at a reduced size when <see cref="Resize"/> shrinks it anyway (its shorter side
    /// staying at least <see cref="Resize"/>), else refused. Null: <see cref="InputLimits.MaxInputBytes"/> (512 MiB
    /// unless the environment variable <c>LUMEN_MAX_INPUT_MB</c> sets it).
    /// </summary>
    public long? MaxDecodeBytes { get; init; }

    /// <summary>The memory limit in effect for one decoded image.</summary>
    internal long DecodeBudget => MaxDecodeBytes ?? InputLimits.MaxInputBytes;

    /// <summary>RGB, values in [0, 1], no resize, crop or normalization.</summary>
    public static ImagePreprocessing None { get; } = new();

    /// <summary>
    /// One grey channel with values in [0, 1], no mean/std; with <paramref name="size"/>, resized so the shorter
    /// side is <paramref name="size"/> and centre-cropped to a square (Fashion-MNIST models: <c>Grey(28)</c>).
    /// </summary>
    /// <param name="size">Square output size, or null to keep the file's size.</param>
    public static ImagePreprocessing Grey(int? size = null) => new()
    {
        ColorMode = ColorMode.Grey,
        Resize = size,
        CenterCrop = size is int s ? new CropSize(s, s) : null,
    };

    /// <summary>
    /// The standard ImageNet evaluation transform: resize the shorter side to <c>size * 256 / 224</c> (256 for 224),
    /// centre-crop <paramref name="size"/>, scale to [0, 1], normalize with mean (0.485, 0.456, 0.406) and
    /// std (0.229, 0.224, 0.225).
    /// </summary>
    /// <param name="size">The crop size the model expects.</param>
    public static ImagePreprocessing ImageNet(int size = 224) => new()
    {
        Resize = (int)Math.Round(size * 256.0 / 224.0, MidpointRounding.AwayFromZero),
        CenterCrop = size,
        ColorMode = ColorMode.Rgb,
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
    };

    /// <summary>The number of channels of the model input.</summary>
    public int Channels => ColorMode == ColorMode.Grey ? 1 : 3;

    /// <summary>Checks the settings and throws a Usage error naming the first wrong one.</summary>
    /// <exception cref="LumenException">A setting is out of range (kind Usage).</exception>
    public void Validate()
    {
        if (Resize is <= 0)
        {
            throw LumenException.Usage($"Resize must be a positive number of pixels, not {Resize}.");
        }

        if (CenterCrop is { } crop && (crop.Height <= 0 || crop.Width <= 0))
        {
            throw LumenException.Usage($"CenterCrop must be positive, not {crop}.");
        }

        if (!float.IsFinite(Scale) || Scale == 0)
        {
            throw LumenException.Usage($"Scale must be a finite non-zero number, not {Scale}.");
        }

        if (MaxImageSide <= 0)
        {
            throw LumenException.Usage($"MaxImageSide must be positive, not {MaxImageSide}.");
        }

        if (MaxDecodeBytes is <= 0)
        {
            throw LumenException.Usage($"MaxDecodeBytes must be positive, not {MaxDecodeBytes}.");
        }

        CheckPerChannel(Mean, nameof(Mean));
        CheckPerChannel(Std, nameof(Std));
        if (Std is not null && Std.Any(s => s == 0 || !float.IsFinite(s)))
        {
            throw LumenException.Usage("Std must contain finite non-zero values; a zero would divide by zero.");
        }
    }

    private void CheckPerChannel(float[]? values, string name)
    {
        if (values is null)
        {
            return;
        }

        if (values.Length != 1 && values.Length != Channels)
        {
            throw LumenException.Usage($"{name} has {values.Length} values but {ColorMode} images have {Channels} channel(s); give one value per channel or a single value.");
        }

        if (values.Any(v => !float.IsFinite(v)))
        {
            throw LumenException.Usage($"{name} must contain finite numbers.");
        }
    }
}
