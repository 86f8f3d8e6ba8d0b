using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// Lucid's decorrelated Fourier image (Olah et al. 2017, "Feature Visualization"): the parameter is a complex
/// spectrum s [N, C, H, W/2+1] whose frequency f is scaled by 1 / max(f, 1/max(H, W))^decay, so every frequency
/// moves the image by a comparable amount. Pixels = sigmoid(M · irfft2(scale · s, ortho) / 4), with M the colour
/// decorrelation for 3-channel images (<see cref="ColorDecorrelation"/>) and the identity otherwise.
/// </summary>
internal sealed class FourierParameterization : ImageParameterization
{
    /// <summary>Lucid's divisor of the inverse transform ("reduces saturation").</summary>
    private const float Magic = 4f;

    /// <summary>How far pixels are kept from 0 and 1 when a start image is inverted through the sigmoid.</summary>
    private const float Margin = 1e-3f;

    private readonly Tensor spectrum;
    private readonly Tensor scale;
    private readonly long height;
    private readonly long width;
    private readonly bool decorrelate;

    /// <summary>
    /// A spectrum with entries drawn from N(0, sd²) (lucent's default sd is 0.01), on <paramref name="device"/>; the
    /// numbers are drawn on the CPU, so they are the same on every device.
    /// </summary>
    public static FourierParameterization Random(long[] shape, double sd, double decay, Generator[] generators, Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        long[] one = { 1, shape[1], shape[2], shape[3] / 2 + 1, 2 };
        var parts = generators.Select(g => torch.randn(one, generator: g) * sd).ToList();
        return new FourierParameterization(torch.cat(parts, 0).to(device ?? torch.CPU), shape, decay);
    }

    /// <summary>The spectrum whose image is <paramref name="pixels"/> [N, C, H, W] (kept within (0, 1) by a small margin), on their device.</summary>
    public static FourierParameterization FromPixels(Tensor pixels, double decay)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long[] shape = pixels.shape;
        var logits = torch.logit(pixels.clamp(Margin, 1 - Margin));
        if (shape[1] == 3) logits = ColorDecorrelation.FromRgb(logits);
        var complex = torch.fft.rfft2(logits * Magic, norm: FFTNormType.Ortho) / Scale(shape[2], shape[3], decay).to(pixels.device).squeeze(-1);
        return new FourierParameterization(torch.view_as_real(complex).contiguous(), shape, decay);
    }

    private FourierParameterization(Tensor initial, long[] shape, double decay)
    {
        height = shape[2];
        width = shape[3];
        decorrelate = shape[1] == 3;
        scale = Scale(height, width, decay).to(initial.device).DetachFromDisposeScope();
        spectrum = initial.detach().clone().DetachFromDisposeScope().requires_grad_(true);
    }

    /// <inheritdoc/>
    public override Tensor Parameter => spectrum;

    /// <inheritdoc/>
    public override Tensor Pixels()
    {
        using var scope = torch.NewDisposeScope();
        var complex = torch.view_as_complex(spectrum * scale);
        var image = torch.fft.irfft2(complex, new long[] { height, width }, norm: FFTNormType.Ortho) / Magic;
        if (decorrelate) image = ColorDecorrelation.ToRgb(image);
        return torch.sigmoid(image).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override void Blur(double sigma) =>
        throw LumenException.Usage("blurring applies to the pixel parameterization; the Fourier one is smoothed by its frequency scaling (set decay instead)");

    /// <summary>1 / max(f, 1/max(H, W))^decay for the rfft2 frequencies, shaped [1, 1, H, W/2+1, 1].</summary>
    private static Tensor Scale(long height, long width, double decay)
    {
        long columns = width / 2 + 1;
        var values = new float[height * columns];
        double floor = 1.0 / Math.Max(height, width);
        for (long y = 0; y < height; y++)
        {
            double fy = Frequency(y, height);
            for (long x = 0; x < columns; x++)
            {
                double fx = (double)x / width;
                double f = Math.Sqrt(fx * fx + fy * fy);
                values[y * columns + x] = (float)(1.0 / Math.Pow(Math.Max(f, floor), decay));
            }
        }
        return torch.tensor(values).view(1, 1, height, columns, 1);
    }

    /// <summary>numpy.fft.fftfreq(n)[i]: i/n for the first half, (i − n)/n after.</summary>
    private static double Frequency(long i, long n) => (i < (n + 1) / 2 ? i : i - n) / (double)n;

    /// <summary>Frees the spectrum and the frequency scale.</summary>
    public override void Dispose()
    {
        scale.Dispose();
        base.Dispose();
    }
}
