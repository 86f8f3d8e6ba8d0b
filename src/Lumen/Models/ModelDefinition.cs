using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>A built-in architecture: how to build it and what input it expects.</summary>
/// <param name="Name">The catalog name, e.g. <c>resnet18</c>.</param>
/// <param name="Description">One line for <c>lumen models</c>.</param>
/// <param name="InputShape">The shape of one input image, [C, H, W].</param>
/// <param name="DefaultClasses">The number of classes when neither the user nor the weights say otherwise.</param>
/// <param name="ClassifierWeightKey">The state_dict key of the last linear layer's weight; its first dimension is the class count.</param>
/// <param name="ClassLabels">Class labels for the default class count, or null.</param>
/// <param name="Preprocessing">How image files become input, or null for [0, 1] pixels resized to the input shape.</param>
/// <param name="Create">Builds the module for a class count.</param>
public sealed record ModelDefinition(
    string Name,
    string Description,
    IReadOnlyList<long> InputShape,
    int DefaultClasses,
    string ClassifierWeightKey,
    IReadOnlyList<string>? ClassLabels,
    Lumen.Imaging.ImagePreprocessing? Preprocessing,
    Func<int, nn.Module<Tensor, Tensor>> Create)
{
    /// <summary>
    /// Renames the keys of an older checkpoint layout to the current one before loading, or null when the architecture
    /// has only one layout (e.g. the ViTs' <c>mlp.linear_1</c>, <c>mlp.linear_2</c> of torchvision before 0.14).
    /// </summary>
    public Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>>? UpgradeStateDict { get; init; }

    /// <summary>The preprocessing models of this architecture use: <see cref="Preprocessing"/>, or the default for the input shape.</summary>
    public Lumen.Imaging.ImagePreprocessing InputPreprocessing => Preprocessing ?? ExplainableModel.DefaultPreprocessing(InputShape);
}
