using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// The random jitter, scaling and rotation applied to the images before each forward pass (transformation
/// robustness, Olah et al. 2017; lucent's standard transforms jitter 8 px, scale 0.9–1.1 and rotate ±10° on
/// 128-px images). One draw per image, combined into a single bilinear resampling with reflected borders, so the
/// image keeps its size. Each image has its own random stream, so a unit's result does not depend on the
/// other units in its batch.
/// </summary>
internal sealed class RandomTransforms
{
    private readonly int jitter;
    private readonly double scale;
    private readonly double rotation;

    /// <summary>Shifts of up to ±<paramref name="jitter"/> pixels, scale factors in [1 − <paramref name="scale"/>, 1 + <paramref name="scale"/>], rotations up to ±<paramref name="rotation"/> degrees.</summary>
    public RandomTransforms(int jitter, double scale, double rotation)
    {
        this.jitter = jitter;
        this.scale = scale;
        this.rotation = rotation;
    }

    /// <summary>Whether any transform is on.</summary>
    public bool Active => jitter > 0 || scale > 0 || rotation > 0;

    /// <summary>The images [N, C, H, W] transformed, one draw per image from <paramref name="random"/>[i].</summary>
    public Tensor Apply(Tensor images, IReadOnlyList<Random> random)
    {
        if (!Active) return images.alias();
        using var scope = torch.NewDisposeScope();
        long n = images.shape[0], height = images.shape[2], width = images.shape[3];
        var theta = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            Random r = random[i];
            int dx = jitter > 0 ? r.Next(-jitter, jitter + 1) : 0;
            int dy = jitter > 0 ? r.Next(-jitter, jitter + 1) : 0;
            double s = scale > 0 ? 1 + scale * (2 * r.NextDouble() - 1) : 1;
            double angle = rotation > 0 ? rotation * (2 * r.NextDouble() - 1) * Math.PI / 180 : 0;
            double cos = Math.Cos(angle) / s, sin = Math.Sin(angle) / s;
            // Output coordinates (normalised to [-1, 1]) → input coordinates: rotate and zoom about the centre, then shift.
            theta[i * 6 + 0] = (float)cos;
            theta[i * 6 + 1] = (float)(-sin * height / width);
            theta[i * 6 + 2] = (float)(2.0 * dx / width);
            theta[i * 6 + 3] = (float)(sin * width / height);
            theta[i * 6 + 4] = (float)cos;
            theta[i * 6 + 5] = (float)(2.0 * dy / height);
        }
        var matrices = torch.tensor(theta, device: images.device).view(n, 2, 3);
        var grid = nn.functional.affine_grid(matrices, images.shape, align_corners: false);
        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false)
            .MoveToOuterDisposeScope();
    }
}
