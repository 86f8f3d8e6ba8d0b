using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// Lucid's colour decorrelation for RGB images (Olah et al. 2017): the square root of the colour covariance of
/// ImageNet pixels, as the matrix √Σ = [[0.26, 0.09, 0.02], [0.27, 0.00, −0.05], [0.27, −0.09, 0.03]] divided by
/// its largest column norm. Optimising decorrelated channels and mixing them with this matrix makes each step
/// change luminance and colour independently.
/// </summary>
public static class ColorDecorrelation
{
    private static readonly float[,] SqrtCovariance =
    {
        { 0.26f, 0.09f, 0.02f },
        { 0.27f, 0.00f, -0.05f },
        { 0.27f, -0.09f, 0.03f },
    };

    /// <summary>The normalised mixing matrix M [3, 3]: rgb = M · decorrelated.</summary>
    public static float[,] Matrix { get; } = Normalised();

    /// <summary>Mixes decorrelated channels [N, 3, H, W] into RGB: rgb_i = Σ_j M_ij x_j.</summary>
    public static Tensor ToRgb(Tensor decorrelated) => Mix(decorrelated, Matrix);

    /// <summary>The inverse of <see cref="ToRgb"/>.</summary>
    public static Tensor FromRgb(Tensor rgb) => Mix(rgb, Invert(Matrix));

    private static Tensor Mix(Tensor images, float[,] matrix)
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(matrix, device: images.device);
        return torch.einsum("ij,njhw->nihw", m, images).MoveToOuterDisposeScope();
    }

    private static float[,] Normalised()
    {
        double max = Enumerable.Range(0, 3)
            .Max(j => Math.Sqrt(Enumerable.Range(0, 3).Sum(i => (double)SqrtCovariance[i, j] * SqrtCovariance[i, j])));
        var result = new float[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                result[i, j] = (float)(SqrtCovariance[i, j] / max);
        return result;
    }

    private static float[,] Invert(float[,] m)
    {
        double a = m[0, 0], b = m[0, 1], c = m[0, 2], d = m[1, 0], e = m[1, 1], f = m[1, 2], g = m[2, 0], h = m[2, 1], k = m[2, 2];
        double det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
        double[,] inverse =
        {
            { (e * k - f * h) / det, (c * h - b * k) / det, (b * f - c * e) / det },
            { (f * g - d * k) / det, (a * k - c * g) / det, (c * d - a * f) / det },
            { (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det },
        };
        var result = new float[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                result[i, j] = (float)inverse[i, j];
        return result;
    }
}
