using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// VGG (Simonyan and Zisserman 2014) with torchvision's layout and parameter names: <c>features.N</c>
/// (convolution, optional BatchNorm, ReLU and max-pool modules numbered as torchvision numbers them),
/// <c>avgpool</c> (adaptive 7x7), and <c>classifier.0</c>..<c>classifier.6</c>
/// (Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear).
/// </summary>
/// <remarks>
/// Every ReLU is its own module (never in place). The flatten between <c>avgpool</c> and <c>classifier</c> is a
/// function, as in torchvision. Random initialisation follows torchvision: Kaiming normal (fan_out) convolutions with
/// bias 0, BatchNorm weight 1 and bias 0, Linear normal(0, 0.01) with bias 0.
/// </remarks>
public sealed class Vgg : nn.Module<Tensor, Tensor>
{
    /// <summary>Marks a 2x2 max-pool in a configuration.</summary>
    private const int M = 0;

    private static readonly Dictionary<int, int[]> Configs = new()
    {
        [11] = [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        [13] = [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        [16] = [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
        [19] = [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M],
    };

    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <summary>Builds a VGG.</summary>
    /// <param name="depth">11, 13, 16 or 19 weight layers.</param>
    /// <param name="batchNorm">Whether a BatchNorm follows every convolution (the <c>_bn</c> variants).</param>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="dropout">Dropout probability in the classifier.</param>
    public Vgg(int depth, bool batchNorm = false, int numClasses = 1000, double dropout = 0.5)
        : base(batchNorm ? $"vgg{depth}_bn" : $"vgg{depth}")
    {
        if (!Configs.TryGetValue(depth, out var config))
            throw LumenException.Usage($"VGG comes in depths 11, 13, 16 and 19, not {depth}.");
        if (numClasses < 1)
            throw LumenException.Usage($"The number of classes must be at least 1, not {numClasses}.");

        var layers = new List<nn.Module<Tensor, Tensor>>();
        long inChannels = 3;
        foreach (int v in config)
        {
            if (v == M)
            {
                layers.Add(nn.MaxPool2d(2, stride: 2));
                continue;
            }
            layers.Add(nn.Conv2d(inChannels, v, 3, padding: 1));
            if (batchNorm)
                layers.Add(nn.BatchNorm2d(v));
            layers.Add(nn.ReLU());
            inChannels = v;
        }
        features = nn.Sequential(layers);
        avgpool = nn.AdaptiveAvgPool2d([7, 7]);
        classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, numClasses));
        RegisterComponents();
        ArchitectureInit.Apply(this, linearStd: 0.01);
    }

    /// <summary>VGG-11, or VGG-11-BN with <paramref name="batchNorm"/>.</summary>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="batchNorm">Whether a BatchNorm follows every convolution.</param>
    public static Vgg Vgg11(int numClasses = 1000, bool batchNorm = false) => new(11, batchNorm, numClasses);

    /// <summary>VGG-13, or VGG-13-BN with <paramref name="batchNorm"/>.</summary>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="batchNorm">Whether a BatchNorm follows every convolution.</param>
    public static Vgg Vgg13(int numClasses = 1000, bool batchNorm = false) => new(13, batchNorm, numClasses);

    /// <summary>VGG-16, or VGG-16-BN with <paramref name="batchNorm"/>.</summary>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="batchNorm">Whether a BatchNorm follows every convolution.</param>
    public static Vgg Vgg16(int numClasses = 1000, bool batchNorm = false) => new(16, batchNorm, numClasses);

    /// <summary>VGG-19, or VGG-19-BN with <paramref name="batchNorm"/>.</summary>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="batchNorm">Whether a BatchNorm follows every convolution.</param>
    public static Vgg Vgg19(int numClasses = 1000, bool batchNorm = false) => new(19, batchNorm, numClasses);

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = avgpool.call(features.call(x));
        return classifier.call(torch.flatten(y, 1));
    }
}
