namespace Lumen.Attributions.Perturbation;

/// <summary>Splits an image into superpixels: the interpretable features of LIME and KernelSHAP.</summary>
public interface ISegmentation
{
    /// <summary>How the segmentation is written in settings, e.g. <c>slic:50</c>.</summary>
    string Description { get; }

    /// <summary>
    /// The superpixel id of every pixel of one image, row-major [H * W], numbered 0 to K - 1 without gaps.
    /// </summary>
    /// <param name="pixels">The image, channel-major [C * H * W].</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    int[] Segment(float[] pixels, int channels, int height, int width);
}
