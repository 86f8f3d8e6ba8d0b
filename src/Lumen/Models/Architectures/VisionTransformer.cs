using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// One pre-norm transformer encoder block, laid out like torchvision's <c>EncoderBlock</c> with the residual sums
/// as <see cref="Addition"/> modules.
/// </summary>
/// <remarks>
/// Children, in the order they run: <c>ln_1</c>, <c>self_attention</c> (<see cref="SelfAttention"/>), <c>add_1</c>
/// (attention + block input), <c>ln_2</c>, <c>mlp</c> (<c>mlp.0</c> Linear, <c>mlp.1</c> exact GELU, <c>mlp.2</c>
/// dropout, <c>mlp.3</c> Linear, <c>mlp.4</c> dropout; the dropouts have p = 0) and <c>add_2</c> (MLP + <c>add_1</c>,
/// the block's output). Every output is [N, tokens, D].
/// </remarks>
public sealed class EncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly SelfAttention self_attention;
    private readonly Addition add_1;
    private readonly LayerNorm ln_2;
    private readonly Sequential mlp;
    private readonly Addition add_2;

    /// <summary>Creates a block.</summary>
    /// <param name="width">Token width D.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlpWidth">Hidden width of the MLP.</param>
    public EncoderBlock(long width, long heads, long mlpWidth) : base(nameof(EncoderBlock))
    {
        ln_1 = nn.LayerNorm(new[] { width }, VisionTransformer.LayerNormEpsilon);
        self_attention = new SelfAttention(width, heads);
        add_1 = new Addition();
        ln_2 = nn.LayerNorm(new[] { width }, VisionTransformer.LayerNormEpsilon);
        mlp = nn.Sequential(nn.Linear(width, mlpWidth), nn.GELU(), nn.Dropout(0.0), nn.Linear(mlpWidth, width), nn.Dropout(0.0));
        add_2 = new Addition();
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var (_, module) in mlp.named_children())
        {
            if (module is not Linear linear) continue;
            nn.init.xavier_uniform_(linear.weight!);
            nn.init.normal_(linear.bias!, 0, 1e-6);
        }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        Tensor y = add_1.call(self_attention.call(ln_1.call(x)), x);
        return add_2.call(mlp.call(ln_2.call(y)), y);
    }
}

/// <summary>
/// The transformer encoder of a ViT: position embedding, blocks, final LayerNorm, with torchvision's names
/// (<c>pos_embedding</c>, <c>layers.encoder_layer_i</c>, <c>ln</c>).
/// </summary>
public sealed class ViTEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Parameter pos_embedding;
    private readonly Sequential layers;
    private readonly LayerNorm ln;

    /// <summary>Creates the encoder.</summary>
    /// <param name="tokens">Tokens per image (patches + class token).</param>
    /// <param name="blocks">Number of encoder blocks.</param>
    /// <param name="width">Token width.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlpWidth">Hidden width of each MLP.</param>
    public ViTEncoder(long tokens, int blocks, long width, long heads, long mlpWidth) : base(nameof(ViTEncoder))
    {
        pos_embedding = ArchitectureParameters.Owned(empty(1, tokens, width));
        var list = new List<(string, nn.Module<Tensor, Tensor>)>(blocks);
        for (int i = 0; i < blocks; i++) list.Add(($"encoder_layer_{i}", new EncoderBlock(width, heads, mlpWidth)));
        layers = nn.Sequential(list);
        ln = nn.LayerNorm(new[] { width }, VisionTransformer.LayerNormEpsilon);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.normal_(pos_embedding, 0, 0.02);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => ln.call(layers.call(x + pos_embedding));
}

/// <summary>
/// The Vision Transformer (Dosovitskiy et al. 2021) with torchvision's parameter names, so PyTorch state_dicts load
/// unchanged, and with each block's parts as modules that hooks see.
/// </summary>
/// <remarks>
/// Children: <c>conv_proj</c> (patch embedding, a convolution with kernel and stride the patch size), the parameter
/// <c>class_token</c>, <c>encoder</c> (<see cref="ViTEncoder"/>: <c>encoder.layers.encoder_layer_i</c> are
/// <see cref="EncoderBlock"/>s, <c>encoder.ln</c> the final LayerNorm) and <c>heads.head</c> (Linear on the class
/// token). Tokens are the class token (token 0) followed by the patches in row-major order (token 1 + row · w + col).
/// Initialisation follows torchvision except the classification head: torchvision sets it to zero, which makes
/// every logit and gradient of an untrained model zero, so it keeps PyTorch's default Linear initialisation.
/// </remarks>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
    /// <summary>The LayerNorm epsilon of torchvision's ViTs (1e-6).</summary>
    public const double LayerNormEpsilon = 1e-6;

    private readonly Conv2d conv_proj;
    private readonly Parameter class_token;
    private readonly ViTEncoder encoder;
    private readonly Sequential heads;

    /// <summary>Builds a ViT.</summary>
    /// <param name="name">The model's name, e.g. <c>vit_b_16</c>.</param>
    /// <param name="imageSize">Side of the square input image.</param>
    /// <param name="patchSize">Side of a square patch; it must divide <paramref name="imageSize"/>.</param>
    /// <param name="blocks">Encoder blocks.</param>
    /// <param name="heads">Attention heads per block.</param>
    /// <param name="width">Token width (hidden dimension).</param>
    /// <param name="mlpWidth">Hidden width of each block's MLP.</param>
    /// <param name="numClasses">Output classes.</param>
    public VisionTransformer(string name, int imageSize, int patchSize, int blocks, int heads, int width, int mlpWidth, int numClasses) : base(name)
    {
        if (patchSize < 1 || imageSize % patchSize != 0)
            throw LumenException.Usage($"the image size {imageSize} must be a multiple of the patch size {patchSize}");
        if (blocks < 1) throw LumenException.Usage("a vision transformer needs at least one encoder block");
        if (numClasses < 1) throw LumenException.Usage($"The number of classes must be at least 1, not {numClasses}.");
        ImageSize = imageSize;
        PatchSize = patchSize;
        long grid = imageSize / patchSize;
        conv_proj = nn.Conv2d(3, width, patchSize, stride: patchSize);
        class_token = ArchitectureParameters.Owned(zeros(1, 1, width));
        encoder = new ViTEncoder(grid * grid + 1, blocks, width, heads, mlpWidth);
        this.heads = nn.Sequential(("head", (nn.Module<Tensor, Tensor>)nn.Linear(width, numClasses)));
        RegisterComponents();
        using var noGrad = no_grad();
        long fanIn = 3L * patchSize * patchSize;
        nn.init.trunc_normal_(conv_proj.weight!, 0, Math.Sqrt(1.0 / fanIn));
        nn.init.zeros_(conv_proj.bias!);
    }

    /// <summary>Side of the square input image.</summary>
    public int ImageSize { get; }

    /// <summary>Side of a square patch.</summary>
    public int PatchSize { get; }

    /// <summary>ViT-B/16: 12 blocks, 12 heads, width 768, MLP 3072, 16x16 patches of a 224x224 image (86.6 M parameters).</summary>
    /// <param name="numClasses">Output classes.</param>
    public static VisionTransformer ViTB16(int numClasses = 1000) => new("vit_b_16", 224, 16, 12, 12, 768, 3072, numClasses);

    /// <summary>ViT-B/32: ViT-B with 32x32 patches (88.2 M parameters).</summary>
    /// <param name="numClasses">Output classes.</param>
    public static VisionTransformer ViTB32(int numClasses = 1000) => new("vit_b_32", 224, 32, 12, 12, 768, 3072, numClasses);

    /// <summary>ViT-L/16: 24 blocks, 16 heads, width 1024, MLP 4096, 16x16 patches (304.3 M parameters).</summary>
    /// <param name="numClasses">Output classes.</param>
    public static VisionTransformer ViTL16(int numClasses = 1000) => new("vit_l_16", 224, 16, 24, 16, 1024, 4096, numClasses);

    /// <summary>A tiny ViT for tests: 32x32 images, 8x8 patches (a 4x4 grid), 2 blocks, 2 heads, width 32, MLP 64.</summary>
    /// <param name="numClasses">Output classes.</param>
    public static VisionTransformer ViTTiny(int numClasses = 10) => new("vit-tiny", 32, 8, 2, 2, 32, 64, numClasses);

    /// <summary>
    /// <paramref name="stored"/> with the MLP keys of torchvision's checkpoints saved before 0.14 renamed as torchvision's
    /// own loader does (<c>mlp.linear_1</c> → <c>mlp.0</c>, <c>mlp.linear_2</c> → <c>mlp.3</c>); other keys unchanged.
    /// </summary>
    public static Dictionary<string, Tensor> UpgradeLegacyMlpKeys(Dictionary<string, Tensor> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.ToDictionary(
            pair => pair.Key.Replace(".mlp.linear_1.", ".mlp.0.", StringComparison.Ordinal).Replace(".mlp.linear_2.", ".mlp.3.", StringComparison.Ordinal),
            pair => pair.Value,
            StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[2] != ImageSize || x.shape[3] != ImageSize)
            throw LumenException.InputData($"{GetName()} expects images [N, 3, {ImageSize}, {ImageSize}], got [{string.Join(", ", x.shape)}]");
        Tensor patches = conv_proj.call(x);                    // [N, D, h, w]
        Tensor tokens = patches.flatten(2).transpose(1, 2);     // [N, h*w, D], row-major patches
        Tensor cls = class_token.expand(x.shape[0], -1, -1);
        Tensor z = encoder.call(cat(new[] { cls, tokens }, 1));
        return heads.call(z.select(1, 0));
    }
}
