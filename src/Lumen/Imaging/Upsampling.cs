namespace Lumen.Imaging;

/// <summary>How a low-resolution map is enlarged to the image size (see <see cref="MapResizer.Resize"/>).</summary>
public enum Upsampling
{
    /// <summary>Each output pixel copies the nearest input pixel (PyTorch <c>mode="nearest"</c>): blocky, shows the true resolution.</summary>
    Nearest,

    /// <summary>Bilinear with half-pixel centres (PyTorch <c>align_corners=False</c>, OpenCV <c>INTER_LINEAR</c>).</summary>
    Bilinear,

    /// <summary>Bicubic with half-pixel centres (PyTorch <c>align_corners=False</c>); may overshoot the input range slightly.</summary>
    Bicubic,
}
