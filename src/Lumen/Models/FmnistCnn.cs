using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// The small Fashion-MNIST network of Lumen's reference fixtures: three 3x3 convolutions (16, 32, 64
/// channels) with ReLU, two 2x2 max-pools, global average pooling and a linear layer to 10 logits.
/// Layer and parameter names match the PyTorch original (conv1, relu1, pool1, conv2, relu2, pool2, conv3,
/// relu3, gap, flatten, fc), so its state_dict loads unchanged.
/// </summary>
public static class FmnistCnn
{
    /// <summary>The model's catalog name.</summary>
    public const string Name = "fmnist-cnn";

    /// <summary>The Fashion-MNIST class names, in label order.</summary>
    public static IReadOnlyList<string> ClassLabels { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Builds the network with PyTorch's default initialisation (seed with <c>torch.manual_seed</c>).</summary>
    public static nn.Module<Tensor, Tensor> Create(int classes = 10) => nn.Sequential(
        ("conv1", nn.Conv2d(1, 16, 3, padding: 1)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2, 2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding: 1)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2, 2)),
        ("conv3", nn.Conv2d(32, 64, 3, padding: 1)),
        ("relu3", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(64, classes)));
}
