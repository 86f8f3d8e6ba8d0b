using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Copies of each image with some superpixels hidden: sample k of image n keeps superpixel j where
/// z_n[k, j] = 1 and shows the fill where it is 0. Built a chunk at a time from the binary design matrices.
/// </summary>
internal sealed class SuperpixelPerturbations : IPerturbations
{
    private readonly Tensor input;
    private readonly Tensor fill;
    private readonly Tensor segments;
    private readonly IReadOnlyList<Tensor> designs;

    /// <param name="input">The images [N, C, H, W].</param>
    /// <param name="fill">What hidden pixels show [N, C, H, W].</param>
    /// <param name="segments">Superpixel ids [N, 1, H, W].</param>
    /// <param name="designs">Per image, float32 [samples, superpixels] of 0/1 (the same number of samples for all).</param>
    public SuperpixelPerturbations(Tensor input, Tensor fill, Tensor segments, IReadOnlyList<Tensor> designs)
    {
        this.input = input;
        this.fill = fill;
        this.segments = segments;
        this.designs = designs;
    }

    public long PerImage => designs[0].shape[0];

    public Tensor Build(int image, long first, long count)
    {
        Tensor z = designs[image].narrow(0, first, count).to(input.device);
        Tensor ids = segments[image].flatten();
        Tensor keep = z.index_select(1, ids).reshape(count, 1, input.shape[2], input.shape[3]);
        return input[image].unsqueeze(0) * keep + fill[image].unsqueeze(0) * (1 - keep);
    }
}
