using Lumen.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Shortcuts;

/// <summary>
/// A small checkerboard patch stamped into images, the "copyright tag" of the shortcut experiment: alternating
/// pixels of <see cref="High"/> and <see cref="Low"/> in a square box. Values are in the model's input space
/// (for Fashion-MNIST models, [0, 1] pixels).
/// </summary>
/// <param name="Box">Where the patch goes.</param>
/// <param name="High">Value of the bright squares.</param>
/// <param name="Low">Value of the dark squares.</param>
public sealed record Watermark(RegionBox Box, float High = 1f, float Low = 0f)
{
    /// <summary>A 5x5 checkerboard one pixel from the top-left corner, where Fashion-MNIST images are mostly background.</summary>
    public static Watermark TopLeft { get; } = new(new RegionBox(1, 1, 5, 5));

    /// <summary>
    /// A copy of <paramref name="images"/> [N, C, H, W] with the patch stamped into every channel of the images
    /// whose entry in <paramref name="which"/> is true (all images when it is null).
    /// </summary>
    public Tensor Stamp(Tensor images, IReadOnlyList<bool>? which = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        Box.CheckInside(images.shape[2], images.shape[3]);
        using var scope = torch.NewDisposeScope();
        var result = images.clone();
        var pattern = Pattern().to(images.dtype, images.device);
        var selected = which is null
            ? Enumerable.Range(0, (int)images.shape[0]).ToArray()
            : Enumerable.Range(0, which.Count).Where(i => which[i]).ToArray();
        if (selected.Length > 0)
        {
            var index = torch.tensor(selected.Select(i => (long)i).ToArray(), device: images.device);
            var region = result.index_select(0, index);
            region.narrow(2, Box.Top, Box.Height).narrow(3, Box.Left, Box.Width).copy_(pattern.expand(selected.Length, images.shape[1], -1, -1));
            result.index_copy_(0, index, region);
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The patch [H, W]: <see cref="High"/> where row + column is even, else <see cref="Low"/>.</summary>
    public Tensor Pattern()
    {
        using var scope = torch.NewDisposeScope();
        var rows = torch.arange(Box.Height).view(-1, 1);
        var columns = torch.arange(Box.Width).view(1, -1);
        var even = (rows + columns).remainder(2).eq(0);
        return torch.where(even, High, Low).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
