using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// MobileNetV2's inverted residual block in torchvision's layout: <c>conv</c> is a sequence of
/// <c>conv.0</c> (1x1 expansion: <c>conv.0.0</c> conv, <c>conv.0.1</c> BatchNorm, <c>conv.0.2</c> ReLU6; absent when
/// the expansion ratio is 1), the depthwise 3x3 (same three children), the 1x1 projection conv and its BatchNorm.
/// </summary>
/// <remarks>
/// When the block keeps shape (stride 1 and as many input as output channels) the residual sum is the
/// <see cref="Addition"/> child <c>add</c> (an extra name; torchvision adds inline), called as
/// <c>add(conv(x), x)</c>. Other blocks have no <c>add</c>.
/// </remarks>
public sealed class InvertedResidual : nn.Module<Tensor, Tensor>
{
    private readonly Sequential conv;
    private readonly Addition? add;

    /// <summary>Creates an inverted residual block.</summary>
    /// <param name="inp">Input channels.</param>
    /// <param name="oup">Output channels.</param>
    /// <param name="stride">1 or 2.</param>
    /// <param name="expandRatio">Expansion of the hidden width.</param>
    public InvertedResidual(long inp, long oup, long stride, int expandRatio) : base(nameof(InvertedResidual))
    {
        if (stride is not (1 or 2))
            throw LumenException.Usage($"An inverted residual block's stride must be 1 or 2, not {stride}.");
        long hidden = inp * expandRatio;
        UsesResidual = stride == 1 && inp == oup;

        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expandRatio != 1)
            layers.Add(MobileNetV2.ConvBnReLU6(inp, hidden, 1, 1, 1));
        layers.Add(MobileNetV2.ConvBnReLU6(hidden, hidden, 3, stride, hidden));
        layers.Add(nn.Conv2d(hidden, oup, 1, bias: false));
        layers.Add(nn.BatchNorm2d(oup));
        conv = nn.Sequential(layers);
        add = UsesResidual ? new Addition() : null;
        RegisterComponents();
    }

    /// <summary>Whether the block adds its input to its output (through the <c>add</c> module).</summary>
    public bool UsesResidual { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = conv.call(x);
        return add is null ? y : add.call(y, x);
    }
}

/// <summary>
/// MobileNetV2 (Sandler et al. 2018) with torchvision's layout and parameter names: <c>features.0</c>
/// (<c>features.0.0</c> conv, <c>features.0.1</c> BatchNorm, <c>features.0.2</c> ReLU6), <c>features.1</c>..<c>features.17</c>
/// (<see cref="InvertedResidual"/> blocks), <c>features.18</c> (1x1 conv to 1280, BatchNorm, ReLU6),
/// <c>avgpool</c> and <c>classifier.0</c> (Dropout 0.2), <c>classifier.1</c> (Linear).
/// </summary>
/// <remarks>
/// Every ReLU6 application is its own module (35 in all) and each of the ten residual sums is an
/// <see cref="Addition"/> (<c>features.N.add</c>). <c>avgpool</c> (adaptive 1x1) is an extra module where torchvision
/// calls the function; it has no parameters. Random initialisation follows torchvision: Kaiming normal (fan_out)
/// convolutions, BatchNorm weight 1 and bias 0, Linear normal(0, 0.01) with bias 0. Width multiplier 1 only.
/// </remarks>
public sealed class MobileNetV2 : nn.Module<Tensor, Tensor>
{
    // t (expansion), c (channels), n (blocks), s (stride of the first block)
    private static readonly int[][] Settings =
    [
        [1, 16, 1, 1],
        [6, 24, 2, 2],
        [6, 32, 3, 2],
        [6, 64, 4, 2],
        [6, 96, 3, 1],
        [6, 160, 3, 2],
        [6, 320, 1, 1],
    ];

    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <summary>Builds a MobileNetV2.</summary>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="dropout">Dropout probability before the classifier.</param>
    public MobileNetV2(int numClasses = 1000, double dropout = 0.2) : base("mobilenet_v2")
    {
        if (numClasses < 1)
            throw LumenException.Usage($"The number of classes must be at least 1, not {numClasses}.");
        const long lastChannel = 1280;
        long inputChannel = 32;
        var layers = new List<nn.Module<Tensor, Tensor>> { ConvBnReLU6(3, inputChannel, 3, 2, 1) };
        foreach (var s in Settings)
        {
            for (int i = 0; i < s[2]; i++)
            {
                layers.Add(new InvertedResidual(inputChannel, s[1], i == 0 ? s[3] : 1, s[0]));
                inputChannel = s[1];
            }
        }
        layers.Add(ConvBnReLU6(inputChannel, lastChannel, 1, 1, 1));
        features = nn.Sequential(layers);
        avgpool = nn.AdaptiveAvgPool2d(1);
        classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(lastChannel, numClasses));
        RegisterComponents();
        ArchitectureInit.Apply(this, linearStd: 0.01);
    }

    /// <summary>torchvision's <c>Conv2dNormActivation</c>: conv (no bias, "same" padding), BatchNorm, ReLU6.</summary>
    internal static Sequential ConvBnReLU6(long inp, long oup, long kernel, long stride, long groups) =>
        nn.Sequential(
            nn.Conv2d(inp, oup, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false),
            nn.BatchNorm2d(oup),
            nn.ReLU6());

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = avgpool.call(features.call(x));
        return classifier.call(torch.flatten(y, 1));
    }
}
