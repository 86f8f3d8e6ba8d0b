using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>Describes one built-in architecture.</summary>
/// <param name="Name">The lower-case name <see cref="ArchitectureCatalog.Create"/> takes, e.g. <c>resnet18</c>.</param>
/// <param name="Description">One line saying what it is.</param>
/// <param name="InputShape">The default input shape without the batch dimension: [channels, height, width].</param>
/// <param name="IsImageNetStyle">Whether it expects ImageNet-style input (RGB, normalised with the ImageNet mean and std).</param>
public sealed record ArchitectureInfo(string Name, string Description, IReadOnlyList<int> InputShape, bool IsImageNetStyle);

/// <summary>
/// The architectures Lumen builds itself (random initialisation, torchvision's state_dict keys, every ReLU and
/// residual addition a hookable module), by name.
/// </summary>
public static class ArchitectureCatalog
{
    private static readonly (ArchitectureInfo Info, Func<int, nn.Module<Tensor, Tensor>> Build)[] Entries =
    [
        (Info("resnet18", "ResNet-18: 8 basic residual blocks (11.7 M parameters)"), n => ResNet.ResNet18(n)),
        (Info("resnet34", "ResNet-34: 16 basic residual blocks (21.8 M parameters)"), n => ResNet.ResNet34(n)),
        (Info("resnet50", "ResNet-50: 16 bottleneck residual blocks (25.6 M parameters)"), n => ResNet.ResNet50(n)),
        (Info("resnet101", "ResNet-101: 33 bottleneck residual blocks (44.5 M parameters)"), n => ResNet.ResNet101(n)),
        (Info("resnet152", "ResNet-152: 50 bottleneck residual blocks (60.2 M parameters)"), n => ResNet.ResNet152(n)),
        (Info("vgg11", "VGG-11: 8 convolutions and 3 fully connected layers (132.9 M parameters)"), n => Vgg.Vgg11(n)),
        (Info("vgg11_bn", "VGG-11 with BatchNorm after every convolution (132.9 M parameters)"), n => Vgg.Vgg11(n, batchNorm: true)),
        (Info("vgg13", "VGG-13: 10 convolutions and 3 fully connected layers (133.0 M parameters)"), n => Vgg.Vgg13(n)),
        (Info("vgg13_bn", "VGG-13 with BatchNorm after every convolution (133.1 M parameters)"), n => Vgg.Vgg13(n, batchNorm: true)),
        (Info("vgg16", "VGG-16: 13 convolutions and 3 fully connected layers (138.4 M parameters)"), n => Vgg.Vgg16(n)),
        (Info("vgg16_bn", "VGG-16 with BatchNorm after every convolution (138.4 M parameters)"), n => Vgg.Vgg16(n, batchNorm: true)),
        (Info("vgg19", "VGG-19: 16 convolutions and 3 fully connected layers (143.7 M parameters)"), n => Vgg.Vgg19(n)),
        (Info("vgg19_bn", "VGG-19 with BatchNorm after every convolution (143.7 M parameters)"), n => Vgg.Vgg19(n, batchNorm: true)),
        (Info("alexnet", "AlexNet: 5 convolutions and 3 fully connected layers (61.1 M parameters)"), n => new AlexNet(n)),
        (Info("mobilenet_v2", "MobileNetV2: 17 inverted residual blocks with ReLU6 (3.5 M parameters)"), n => new MobileNetV2(n)),
    ];

    /// <summary>All built-in architectures, in a fixed order.</summary>
    public static IReadOnlyList<ArchitectureInfo> All { get; } = Entries.Select(e => e.Info).ToArray();

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Info.Name).ToArray();

    /// <summary>Looks up an architecture by name (case-insensitive); null when there is none.</summary>
    /// <param name="name">A name such as <c>resnet50</c>.</param>
    public static ArchitectureInfo? Find(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Info.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)).Info;

    /// <summary>Builds a randomly initialised model in training mode (call <c>eval()</c> before explaining it).</summary>
    /// <param name="name">One of <see cref="Names"/> (case-insensitive).</param>
    /// <param name="numClasses">Number of output classes (the last layer's width).</param>
    /// <returns>A model mapping [N, 3, H, W] images to [N, <paramref name="numClasses"/>] logits.</returns>
    /// <exception cref="LumenException">A usage error for an unknown name (listing the known ones) or fewer than one class.</exception>
    public static nn.Module<Tensor, Tensor> Create(string name, int numClasses = 1000)
    {
        if (numClasses < 1)
            throw LumenException.Usage($"The number of classes must be at least 1, not {numClasses}.");
        string key = name?.Trim() ?? "";
        foreach (var (info, build) in Entries)
        {
            if (string.Equals(info.Name, key, StringComparison.OrdinalIgnoreCase))
                return build(numClasses);
        }
        string closest = Names.OrderBy(n => Distance(n, key.ToLowerInvariant())).First();
        throw LumenException.Usage(
            $"Unknown architecture '{key}' (did you mean '{closest}'?); known architectures: {string.Join(", ", Names)}.");
    }

    private static ArchitectureInfo Info(string name, string description) =>
        new(name, description, Array.AsReadOnly(new[] { 3, 224, 224 }), true);

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
