using Lumen.Imaging;

namespace Lumen.Models.Architectures;

/// <summary>
/// The ImageNet-style architectures Lumen builds itself (random initialisation, torchvision's state_dict keys, every
/// ReLU and residual addition a hookable module). They take [3, 224, 224] images with ImageNet preprocessing; with
/// 1000 classes they are named by <see cref="ImageNetClasses"/>.
/// </summary>
public static class ImageNetArchitectures
{
    private static readonly long[] InputShape = { 3, 224, 224 };

    /// <summary>Every architecture, in a fixed order.</summary>
    public static IReadOnlyList<ModelDefinition> All { get; } = new[]
    {
        Define("resnet18", "ResNet-18: 8 basic residual blocks (11.7 M parameters)", "fc.weight", n => ResNet.ResNet18(n)),
        Define("resnet34", "ResNet-34: 16 basic residual blocks (21.8 M parameters)", "fc.weight", n => ResNet.ResNet34(n)),
        Define("resnet50", "ResNet-50: 16 bottleneck residual blocks (25.6 M parameters)", "fc.weight", n => ResNet.ResNet50(n)),
        Define("resnet101", "ResNet-101: 33 bottleneck residual blocks (44.5 M parameters)", "fc.weight", n => ResNet.ResNet101(n)),
        Define("resnet152", "ResNet-152: 50 bottleneck residual blocks (60.2 M parameters)", "fc.weight", n => ResNet.ResNet152(n)),
        Define("vgg11", "VGG-11: 8 convolutions and 3 fully connected layers (132.9 M parameters)", "classifier.6.weight", n => Vgg.Vgg11(n)),
        Define("vgg11_bn", "VGG-11 with BatchNorm after every convolution (132.9 M parameters)", "classifier.6.weight", n => Vgg.Vgg11(n, batchNorm: true)),
        Define("vgg13", "VGG-13: 10 convolutions and 3 fully connected layers (133.0 M parameters)", "classifier.6.weight", n => Vgg.Vgg13(n)),
        Define("vgg13_bn", "VGG-13 with BatchNorm after every convolution (133.1 M parameters)", "classifier.6.weight", n => Vgg.Vgg13(n, batchNorm: true)),
        Define("vgg16", "VGG-16: 13 convolutions and 3 fully connected layers (138.4 M parameters)", "classifier.6.weight", n => Vgg.Vgg16(n)),
        Define("vgg16_bn", "VGG-16 with BatchNorm after every convolution (138.4 M parameters)", "classifier.6.weight", n => Vgg.Vgg16(n, batchNorm: true)),
        Define("vgg19", "VGG-19: 16 convolutions and 3 fully connected layers (143.7 M parameters)", "classifier.6.weight", n => Vgg.Vgg19(n)),
        Define("vgg19_bn", "VGG-19 with BatchNorm after every convolution (143.7 M parameters)", "classifier.6.weight", n => Vgg.Vgg19(n, batchNorm: true)),
        Define("alexnet", "AlexNet: 5 convolutions and 3 fully connected layers (61.1 M parameters)", "classifier.6.weight", n => new AlexNet(n)),
        Define("mobilenet_v2", "MobileNetV2: 17 inverted residual blocks with ReLU6 (3.5 M parameters)", "classifier.1.weight", n => new MobileNetV2(n)),
        Define("vit_b_16", "ViT-B/16: vision transformer, 12 blocks, 12 heads, 16x16 patches (86.6 M parameters)", "heads.head.weight", n => VisionTransformer.ViTB16(n)) with { UpgradeStateDict = VisionTransformer.UpgradeLegacyMlpKeys },
        Define("vit_b_32", "ViT-B/32: vision transformer, 12 blocks, 12 heads, 32x32 patches (88.2 M parameters)", "heads.head.weight", n => VisionTransformer.ViTB32(n)) with { UpgradeStateDict = VisionTransformer.UpgradeLegacyMlpKeys },
        Define("vit_l_16", "ViT-L/16: vision transformer, 24 blocks, 16 heads, 16x16 patches (304.3 M parameters)", "heads.head.weight", n => VisionTransformer.ViTL16(n)) with { UpgradeStateDict = VisionTransformer.UpgradeLegacyMlpKeys },
    };

    private static ModelDefinition Define(string name, string description, string classifierKey, Func<int, TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> create) =>
        new(name, description, InputShape, ImageNetClasses.Count, classifierKey, ImageNetClasses.Names, ImagePreprocessing.ImageNet(), create);
}
