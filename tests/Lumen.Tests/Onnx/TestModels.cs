using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Tests.Models.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Onnx;

/// <summary>Small seeded TorchSharp classifiers the ONNX tests export: BatchNorm CNN, residual blocks, GAP + linear head.</summary>
internal static class TestModels
{
    public static readonly long[] GreyShape = { 1, 28, 28 };

    /// <summary>fmnist-net: two conv + BatchNorm + ReLU + max-pool blocks and two linear layers; random BatchNorm statistics.</summary>
    public static nn.Module<Tensor, Tensor> BatchNormCnn(int seed)
    {
        var module = FmnistNet.Create();
        ArchitectureTestSupport.RandomizeWeights(module, seed);
        ArchitectureTestSupport.RandomizeBatchNorms(module, seed);
        return module;
    }

    /// <summary>fmnist-cnn: three conv layers, global average pooling and a linear head.</summary>
    public static nn.Module<Tensor, Tensor> GapLinearHead(int seed)
    {
        var module = FmnistCnn.Create();
        ArchitectureTestSupport.RandomizeWeights(module, seed);
        return module;
    }

    /// <summary>A small ResNet: stem, an identity residual block, a strided block with a 1x1 downsample, GAP, linear.</summary>
    public static nn.Module<Tensor, Tensor> Residual(int seed)
    {
        var module = nn.Sequential(
            ("conv1", nn.Conv2d(1, 8, 3, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(8)),
            ("relu", nn.ReLU()),
            ("block1", new BasicBlock(8, 8)),
            ("block2", new BasicBlock(8, 16, 2, nn.Sequential(("0", nn.Conv2d(8, 16, 1, stride: 2, bias: false)), ("1", nn.BatchNorm2d(16))))),
            ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(16, 10)));
        ArchitectureTestSupport.RandomizeWeights(module, seed);
        ArchitectureTestSupport.RandomizeBatchNorms(module, seed);
        return module;
    }
}
