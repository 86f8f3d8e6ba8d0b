using Lumen.Attributions.Perturbation;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>Copies x − I of each image: copy k of image n is <c>input[n] − noise[n, k]</c>, the noise of a pixel
/// subtracted from all its channels.</summary>
public sealed class NoisePerturbations : IPerturbations
{
    private readonly Tensor input;
    private readonly Tensor noise;

    /// <summary>Creates the copies; the tensors are borrowed and must outlive this object.</summary>
    /// <param name="input">The images [N, C, H, W].</param>
    /// <param name="noise">The perturbations [N, K, H, W], K per image.</param>
    public NoisePerturbations(Tensor input, Tensor noise)
    {
        this.input = input;
        this.noise = noise;
    }

    /// <inheritdoc />
    public long PerImage => noise.shape[1];

    /// <inheritdoc />
    public Tensor Build(int image, long first, long count)
    {
        using var scope = NewDisposeScope();
        Tensor part = noise[image].narrow(0, first, count).unsqueeze(1).to_type(input.dtype);
        return (input[image].unsqueeze(0) - part).MoveToOuterDisposeScope();
    }
}
