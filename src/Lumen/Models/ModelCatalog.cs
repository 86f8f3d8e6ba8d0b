using Lumen.Models.Weights;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>The architectures Lumen builds by name, and how to load one with its weights.</summary>
public static class ModelCatalog
{
    /// <summary>Every built-in architecture.</summary>
    public static IReadOnlyList<ModelDefinition> All { get; } = new[]
    {
        new ModelDefinition(FmnistCnn.Name, "3 conv layers + global average pooling + linear, for 28x28 grey images (Fashion-MNIST)",
            new long[] { 1, 28, 28 }, 10, "fc.weight", FmnistCnn.ClassLabels, null, classes => FmnistCnn.Create(classes)),
        new ModelDefinition(FmnistNet.Name, "2 conv blocks with BatchNorm + 2 linear layers, for 28x28 grey images; the demo's network (lumen train)",
            new long[] { 1, 28, 28 }, 10, "fc2.weight", FmnistCnn.ClassLabels, null, classes => FmnistNet.Create(classes)),
        new ModelDefinition("vit-tiny", "a tiny vision transformer for 32x32 colour images: 8x8 patches, 2 blocks, 2 heads, width 32 (torchvision layout)",
            new long[] { 3, 32, 32 }, 10, "heads.head.weight", null, null, classes => Architectures.VisionTransformer.ViTTiny(classes)),
    }.Concat(Architectures.ImageNetArchitectures.All).ToList();

    /// <summary>The definition called <paramref name="name"/>; an unknown name is a usage error listing the known ones.</summary>
    public static ModelDefinition Find(string name)
    {
        var found = All.FirstOrDefault(definition => string.Equals(definition.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is not null) return found;
        var closest = NameSuggestions.Closest(name, All.Select(definition => definition.Name), 1);
        throw LumenException.Usage($"unknown model '{name}' (did you mean '{closest[0]}'?); known models: {string.Join(", ", All.Select(d => d.Name))}");
    }

    /// <summary>
    /// Builds the architecture <paramref name="name"/> and, when <paramref name="weightsPath"/> is given, loads its
    /// weights strictly. The class count is, in order: <paramref name="classes"/>, the weights' classifier, the default.
    /// <paramref name="weightsPath"/> may also name TorchVision's published weights (<c>imagenet</c>,
    /// <c>torchvision:resnet50.IMAGENET1K_V2</c>): they are located or downloaded with
    /// <see cref="PretrainedWeights.Locate(PretrainedWeight, IProgress{Data.Downloads.DownloadProgress}?, CancellationToken)"/>,
    /// and the model resizes images as TorchVision's transforms for those weights do.
    /// </summary>
    public static ExplainableModel Load(string name, string? weightsPath = null, int? classes = null) =>
        Load(name, weightsPath, classes, null, CancellationToken.None);

    /// <summary>
    /// <see cref="Load(string, string?, int?)"/>, reporting a download of named weights to <paramref name="download"/>
    /// and stopping it on <paramref name="cancellation"/>.
    /// </summary>
    public static ExplainableModel Load(string name, string? weightsPath, int? classes, IProgress<Data.Downloads.DownloadProgress>? download, CancellationToken cancellation)
    {
        ModelDefinition definition = Find(name);
        var preprocessing = definition.Preprocessing;
        if (PretrainedWeights.IsName(weightsPath))
        {
            PretrainedWeight weight = PretrainedWeights.Resolve(definition.Name, weightsPath!);
            weightsPath = PretrainedWeights.Locate(weight, download, cancellation);
            preprocessing = weight.PreprocessingFrom(definition.InputPreprocessing);
        }

        using var scope = NewDisposeScope();
        // Named tensors are read once: they give the class count and then the weights.
        Dictionary<string, Tensor>? stored = weightsPath is not null && WeightLoader.DetectFormat(weightsPath) != WeightFormat.TorchSharp
            ? WeightLoader.ReadStateDict(weightsPath)
            : null;
        if (stored is not null && definition.UpgradeStateDict is { } upgrade) stored = upgrade(stored);
        int classCount = classes ?? ClassCountFrom(definition, stored) ?? definition.DefaultClasses;
        if (classCount <= 0) throw LumenException.Usage($"the class count must be positive, got {classCount}");
        nn.Module<Tensor, Tensor> module = definition.Create(classCount);
        try
        {
            if (stored is not null) WeightLoader.CopyInto(module, stored, weightsPath!, definition.Name);
            else if (weightsPath is not null) WeightLoader.Load(module, weightsPath, definition.Name);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        var labels = classCount == definition.DefaultClasses ? definition.ClassLabels : null;
        return new ExplainableModel(module, definition.Name, definition.InputShape, labels, preprocessing);
    }

    private static int? ClassCountFrom(ModelDefinition definition, Dictionary<string, Tensor>? stored) =>
        stored is not null && stored.TryGetValue(definition.ClassifierWeightKey, out var weight) && weight.dim() == 2
            ? (int)weight.shape[0]
            : null;
}
