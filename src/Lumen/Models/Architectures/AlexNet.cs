using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// AlexNet in torchvision's layout and parameter names: <c>features.0</c>..<c>features.12</c>
/// (five convolutions, each followed by its own ReLU, and three max-pools), <c>avgpool</c> (adaptive 6x6) and
/// <c>classifier.0</c>..<c>classifier.6</c> (Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear).
/// </summary>
/// <remarks>
/// Seven ReLU modules in all (never in place). Random initialisation is PyTorch's default for each layer, as in
/// torchvision. Inputs down to 63x63 work (the adaptive pool takes care of the rest).
/// </remarks>
public sealed class AlexNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <summary>Builds an AlexNet.</summary>
    /// <param name="numClasses">Number of output classes.</param>
    /// <param name="dropout">Dropout probability in the classifier.</param>
    public AlexNet(int numClasses = 1000, double dropout = 0.5) : base("alexnet")
    {
        if (numClasses < 1)
            throw LumenException.Usage($"The number of classes must be at least 1, not {numClasses}.");
        features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride: 4, padding: 2),
            nn.ReLU(),
            nn.MaxPool2d(3, stride: 2),
            nn.Conv2d(64, 192, 5, padding: 2),
            nn.ReLU(),
            nn.MaxPool2d(3, stride: 2),
            nn.Conv2d(192, 384, 3, padding: 1),
            nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding: 1),
            nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(3, stride: 2));
        avgpool = nn.AdaptiveAvgPool2d([6, 6]);
        classifier = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Linear(4096, numClasses));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        var y = avgpool.call(features.call(x));
        return classifier.call(torch.flatten(y, 1));
    }
}
