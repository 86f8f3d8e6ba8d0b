using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// The two-convolution residual block of ResNet-18/34, laid out like torchvision's <c>BasicBlock</c>
/// but with every ReLU and the residual addition a module of its own.
/// </summary>
/// <remarks>
/// Children, in the order they run: <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>, <c>bn2</c>,
/// <c>downsample</c> (only when the shape changes: <c>downsample.0</c> 1x1 conv, <c>downsample.1</c> BatchNorm),
/// <c>add</c> (<see cref="Addition"/>: branch + shortcut) and <c>relu2</c> (the block's output).
/// torchvision applies its single <c>relu</c> twice; here <c>relu</c> is the first application and <c>relu2</c> the second.
/// </remarks>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>How many times wider the block's output is than <c>planes</c> (1).</summary>
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;
    private readonly Addition add;
    private readonly ReLU relu2;

    /// <summary>Creates a basic block.</summary>
    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of the first convolution (and of the downsample).</param>
    /// <param name="downsample">The shortcut projection, or null for the identity.</param>
    public BasicBlock(long inplanes, long planes, long stride = 1, Sequential? downsample = null) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        this.downsample = downsample;
        add = new Addition();
        relu2 = nn.ReLU();
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = relu.call(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        var identity = downsample is null ? x : downsample.call(x);
        return relu2.call(add.call(y, identity));
    }
}

/// <summary>
/// The bottleneck residual block of ResNet-50/101/152 (torchvision's v1.5: the stride sits on the 3x3
/// convolution), with every ReLU and the residual addition a module of its own.
/// </summary>
/// <remarks>
/// Children, in the order they run: <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>, <c>bn2</c>, <c>relu2</c>,
/// <c>conv3</c>, <c>bn3</c>, <c>downsample</c> (first block of a stage only), <c>add</c> (<see cref="Addition"/>)
/// and <c>relu3</c> (the block's output). torchvision applies its single <c>relu</c> three times; here
/// <c>relu</c>, <c>relu2</c> and <c>relu3</c> are the three applications.
/// </remarks>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>How many times wider the block's output is than <c>planes</c> (4).</summary>
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly ReLU relu2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;
    private readonly Addition add;
    private readonly ReLU relu3;

    /// <summary>Creates a bottleneck block.</summary>
    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Inner width; the output has <c>planes * 4</c> channels.</param>
    /// <param name="stride">Stride of the 3x3 convolution (and of the downsample).</param>
    /// <param name="downsample">The shortcut projection, or null for the identity.</param>
    public Bottleneck(long inplanes, long planes, long stride = 1, Sequential? downsample = null) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        relu2 = nn.ReLU();
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        this.downsample = downsample;
        add = new Addition();
        relu3 = nn.ReLU();
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = relu.call(bn1.call(conv1.call(x)));
        y = relu2.call(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        var identity = downsample is null ? x : downsample.call(x);
        return relu3.call(add.call(y, identity));
    }
}

/// <summary>
/// ResNet (He et al. 2015) with torchvision's parameter names, so PyTorch state_dicts load unchanged,
/// and with every ReLU application and every residual addition a separate module invoked through
/// <c>call</c>, so forward hooks see all of them.
/// </summary>
/// <remarks>
/// Children: <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>maxpool</c>, <c>layer1</c>..<c>layer4</c>
/// (<see cref="Sequential"/> of <see cref="BasicBlock"/> or <see cref="Bottleneck"/>, named <c>0</c>, <c>1</c>, ...),
/// <c>avgpool</c> (adaptive 1x1) and <c>fc</c>. The flatten between <c>avgpool</c> and <c>fc</c> is a function,
/// as in torchvision. Random initialisation follows torchvision: Kaiming normal (fan_out) convolutions,
/// BatchNorm weight 1 and bias 0, default Linear.
/// </remarks>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    /// <summary>Builds a ResNet.</summary>
    /// <param name="name">The model's name, e.g. <c>resnet18</c>.</param>
    /// <param name="bottleneck">True for <see cref="Bottleneck"/> blocks, false for <see cref="BasicBlock"/>.</param>
    /// <param name="layers">Blocks per stage (four numbers), e.g. <c>[2, 2, 2, 2]</c> for ResNet-18.</param>
    /// <param name="numClasses">Number of output classes.</param>
    public ResNet(string name, bool bottleneck, IReadOnlyList<int> layers, int numClasses = 1000) : base(name)
    {
        if (layers is null || layers.Count != 4 || layers.Any(n => n < 1))
            throw LumenException.Usage("A ResNet needs four stages of at least one block each.");
        if (numClasses < 1)
            throw LumenException.Usage($"The number of classes must be at least 1, not {numClasses}.");

        int expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        long inplanes = 64;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU();
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        layer1 = MakeLayer(bottleneck, ref inplanes, 64, layers[0], 1);
        layer2 = MakeLayer(bottleneck, ref inplanes, 128, layers[1], 2);
        layer3 = MakeLayer(bottleneck, ref inplanes, 256, layers[2], 2);
        layer4 = MakeLayer(bottleneck, ref inplanes, 512, layers[3], 2);
        avgpool = nn.AdaptiveAvgPool2d(1);
        fc = nn.Linear(512L * expansion, numClasses);
        RegisterComponents();
        ArchitectureInit.Apply(this, linearStd: null);
    }

    /// <summary>ResNet-18 (BasicBlock, 2-2-2-2).</summary>
    /// <param name="numClasses">Number of output classes.</param>
    public static ResNet ResNet18(int numClasses = 1000) => new("resnet18", false, [2, 2, 2, 2], numClasses);

    /// <summary>ResNet-34 (BasicBlock, 3-4-6-3).</summary>
    /// <param name="numClasses">Number of output classes.</param>
    public static ResNet ResNet34(int numClasses = 1000) => new("resnet34", false, [3, 4, 6, 3], numClasses);

    /// <summary>ResNet-50 (Bottleneck, 3-4-6-3).</summary>
    /// <param name="numClasses">Number of output classes.</param>
    public static ResNet ResNet50(int numClasses = 1000) => new("resnet50", true, [3, 4, 6, 3], numClasses);

    /// <summary>ResNet-101 (Bottleneck, 3-4-23-3).</summary>
    /// <param name="numClasses">Number of output classes.</param>
    public static ResNet ResNet101(int numClasses = 1000) => new("resnet101", true, [3, 4, 23, 3], numClasses);

    /// <summary>ResNet-152 (Bottleneck, 3-8-36-3).</summary>
    /// <param name="numClasses">Number of output classes.</param>
    public static ResNet ResNet152(int numClasses = 1000) => new("resnet152", true, [3, 8, 36, 3], numClasses);

    private static Sequential MakeLayer(bool bottleneck, ref long inplanes, long planes, int blocks, long stride)
    {
        int expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        Sequential? downsample = null;
        if (stride != 1 || inplanes != planes * expansion)
        {
            downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * expansion, 1, stride: stride, bias: false),
                nn.BatchNorm2d(planes * expansion));
        }

        var list = new List<nn.Module<Tensor, Tensor>>(blocks);
        for (int i = 0; i < blocks; i++)
        {
            long blockStride = i == 0 ? stride : 1;
            var shortcut = i == 0 ? downsample : null;
            list.Add(bottleneck
                ? new Bottleneck(inplanes, planes, blockStride, shortcut)
                : new BasicBlock(inplanes, planes, blockStride, shortcut));
            inplanes = planes * expansion;
        }
        return nn.Sequential(list);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = maxpool.call(relu.call(bn1.call(conv1.call(x))));
        y = layer4.call(layer3.call(layer2.call(layer1.call(y))));
        y = avgpool.call(y);
        return fc.call(torch.flatten(y, 1));
    }
}
