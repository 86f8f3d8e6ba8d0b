using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>Resizes attribution maps to an image's size with PyTorch's interpolation, so results match Python tools.</summary>
public static class MapResizer
{
    /// <summary>
    /// Resizes <paramref name="maps"/> — [N, C, h, w], or [C, h, w] or [h, w] — to <paramref name="height"/> by
    /// <paramref name="width"/> using <c>torch.nn.functional.interpolate</c> (align_corners=False for bilinear and
    /// bicubic). Returns a new float32 tensor of the same rank; the input is not modified.
    /// </summary>
    /// <exception cref="LumenException">The map has the wrong rank or the size is not positive (kind Usage).</exception>
    public static Tensor Resize(Tensor maps, int height, int width, Upsampling mode)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (height <= 0 || width <= 0)
        {
            throw LumenException.Usage($"A map can only be resized to a positive size, not {width}x{height}.");
        }

        var rank = maps.dim();
        if (rank is < 2 or > 4)
        {
            throw LumenException.Usage($"Maps to resize must be [N, C, h, w], [C, h, w] or [h, w], not shape [{string.Join(", ", maps.shape)}].");
        }

        using var scope = torch.NewDisposeScope();
        var batch = maps.to_type(ScalarType.Float32);
        for (var i = rank; i < 4; i++)
        {
            batch = batch.unsqueeze(0);
        }

        Tensor resized;
        if (batch.shape[2] == height && batch.shape[3] == width)
        {
            resized = batch.clone();
        }
        else
        {
            resized = mode switch
            {
                Upsampling.Nearest => torch.nn.functional.interpolate(batch, size: [height, width], mode: InterpolationMode.Nearest),
                Upsampling.Bicubic => torch.nn.functional.interpolate(batch, size: [height, width], mode: InterpolationMode.Bicubic, align_corners: false),
                _ => torch.nn.functional.interpolate(batch, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false),
            };
        }

        for (var i = rank; i < 4; i++)
        {
            resized = resized.squeeze(0);
        }

        return resized.MoveToOuterDisposeScope();
    }
}
