using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// Lumen's demo network for 28x28 grey images, trained by <c>lumen train</c> and <c>lumen demo</c>: two
/// convolution blocks (3x3 convolution, BatchNorm, ReLU, 2x2 max-pool; 16 and 32 channels) and a two-layer
/// classifier (1568 → 128 → classes). It reaches about 90 % on Fashion-MNIST in two epochs on a 2-core CPU.
/// Layer names: conv1, bn1, relu1, pool1, conv2, bn2, relu2, pool2, flatten, fc1, relu3, fc2.
/// </summary>
public static class FmnistNet
{
    /// <summary>The model's catalog name.</summary>
    public const string Name = "fmnist-net";

    /// <summary>Builds the network with PyTorch's default initialisation (seed with <c>torch.manual_seed</c>).</summary>
    public static nn.Module<Tensor, Tensor> Create(int classes = 10) => nn.Sequential(
        ("conv1", nn.Conv2d(1, 16, 3, padding: 1)),
        ("bn1", nn.BatchNorm2d(16)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2, 2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding: 1)),
        ("bn2", nn.BatchNorm2d(32)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2, 2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(32 * 7 * 7, 128)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(128, classes)));
}
