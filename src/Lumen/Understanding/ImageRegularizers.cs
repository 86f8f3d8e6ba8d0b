using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>The penalties activation maximization subtracts from the objective, one value per image.</summary>
public static class ImageRegularizers
{
    /// <summary>
    /// Total variation of images [N, C, H, W]: the mean absolute difference between vertically neighbouring
    /// values plus the same horizontally (anisotropic TV, Mahendran &amp; Vedaldi 2015 with β = 1, as a mean so
    /// it does not grow with the image size). Returns [N].
    /// </summary>
    public static Tensor TotalVariation(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        long height = images.shape[2], width = images.shape[3];
        var vertical = (images.narrow(2, 1, height - 1) - images.narrow(2, 0, height - 1)).abs().flatten(1).mean(new long[] { 1 });
        var horizontal = (images.narrow(3, 1, width - 1) - images.narrow(3, 0, width - 1)).abs().flatten(1).mean(new long[] { 1 });
        return (vertical + horizontal).MoveToOuterDisposeScope();
    }

    /// <summary>The mean squared value of images [N, C, H, W] (Simonyan et al. 2014's L2 penalty, as a mean). Returns [N].</summary>
    public static Tensor MeanSquare(Tensor images) => images.pow(2).flatten(1).mean(new long[] { 1 });
}
