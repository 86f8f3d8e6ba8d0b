using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// Multi-head self-attention with the parameter names of PyTorch's <c>nn.MultiheadAttention</c>
/// (<c>in_proj_weight</c>, <c>in_proj_bias</c>, <c>out_proj</c>), so TorchVision's ViT state_dicts load unchanged,
/// and with its steps as modules that hooks see.
/// </summary>
/// <remarks>
/// Children, in the order they run: <c>qkv</c> (<see cref="InputProjection"/>: the tokens times <c>in_proj_weight</c>,
/// [N, T, 3D], queries in the first D columns, keys in the next D, values in the last D), <c>softmax</c> (the attention
/// probabilities softmax(q kᵀ / √d) over the keys, [N, heads, T, T]) and <c>out_proj</c> (the heads concatenated
/// and projected back, [N, T, D]). Head j uses columns j·d .. j·d + d − 1 of q, k and v, d = D / heads.
/// </remarks>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly InputProjection qkv;
    private readonly Softmax softmax;
    private readonly Linear out_proj;
    private readonly long heads;

    /// <summary>Creates the attention of one encoder block.</summary>
    /// <param name="width">The token width D.</param>
    /// <param name="heads">The number of heads; it must divide <paramref name="width"/>.</param>
    public SelfAttention(long width, long heads) : base(nameof(SelfAttention))
    {
        if (heads < 1 || width % heads != 0)
            throw LumenException.Usage($"the attention width {width} must be a multiple of the head count {heads}");
        this.heads = heads;
        in_proj_weight = ArchitectureParameters.Owned(empty(3 * width, width));
        in_proj_bias = ArchitectureParameters.Owned(zeros(3 * width));
        qkv = new InputProjection(() => (in_proj_weight, in_proj_bias));
        softmax = nn.Softmax(-1);
        out_proj = nn.Linear(width, width);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.xavier_uniform_(in_proj_weight);
        nn.init.zeros_(out_proj.bias!);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], tokens = x.shape[1], width = x.shape[2], d = width / heads;
        Tensor[] parts = qkv.call(x).chunk(3, -1);
        Tensor Split(Tensor t) => t.reshape(n, tokens, heads, d).transpose(1, 2); // [N, heads, T, d]
        Tensor q = Split(parts[0]), k = Split(parts[1]), v = Split(parts[2]);
        Tensor attention = softmax.call(matmul(q, k.transpose(-2, -1)) / Math.Sqrt(d));
        Tensor mixed = matmul(attention, v).transpose(1, 2).reshape(n, tokens, width);
        return out_proj.call(mixed);
    }
}

/// <summary>
/// The joint query/key/value projection of <see cref="SelfAttention"/> as a module of its own, so hooks see
/// q, k and v. Its weight and bias belong to the attention module (<c>in_proj_weight</c>, <c>in_proj_bias</c>),
/// so it adds nothing to the state_dict.
/// </summary>
public sealed class InputProjection : nn.Module<Tensor, Tensor>
{
    private readonly Func<(Tensor Weight, Tensor Bias)> source;

    /// <summary>Creates the projection reading its weight and bias from <paramref name="parameters"/> at each call.</summary>
    /// <param name="parameters">The owner's current weight [3D, D] and bias [3D].</param>
    public InputProjection(Func<(Tensor Weight, Tensor Bias)> parameters) : base(nameof(InputProjection))
    {
        source = parameters;
        RegisterComponents();
    }

    /// <summary>Returns x Wᵀ + b: [N, T, 3D].</summary>
    /// <param name="x">The tokens, [N, T, D].</param>
    public override Tensor forward(Tensor x)
    {
        var (weight, bias) = source();
        return nn.functional.linear(x, weight, bias);
    }
}
