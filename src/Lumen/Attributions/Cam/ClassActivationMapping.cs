using Lumen.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// CAM (Zhou et al. 2016, "Learning Deep Features for Discriminative Localization") for networks that end in global
/// average pooling of the layer followed by one linear layer: map = Σ_k w_ck A_k, with w_c the linear layer's row
/// for the explained class (no gradient, no bias, no division by h·w). The construction checks the architecture
/// with one forward pass on a random input: the logits must equal the last linear layer applied to the spatial
/// mean of the layer's output; any other model is refused with the layers that follow the chosen one.
/// </summary>
public sealed class ClassActivationMapping : CamMethod
{
    private const double Tolerance = 1e-4;

    private readonly Linear classifier;

    /// <summary>Creates CAM on <paramref name="layer"/> (the layer whose global average feeds the classifier).</summary>
    public ClassActivationMapping(ExplainableModel model, string layer, bool relu = true)
        : this(model, new CamOptions(layer) { Relu = relu })
    {
    }

    /// <summary>Creates CAM with shared CAM options; every layer must feed the classifier through global average pooling.</summary>
    public ClassActivationMapping(ExplainableModel model, CamOptions options) : base(model, options)
    {
        ClassifierName = model.LayerNames.LastOrDefault(name => model.ResolveLayer(name) is Linear)
            ?? throw LumenException.Usage($"cam needs a network ending in global average pooling and a linear layer, but {model.Name} has no linear layer; use gradcam");
        classifier = (Linear)model.ResolveLayer(ClassifierName);
        foreach (string layer in options.Layers) RequireGapLinearHead(layer);
    }

    /// <summary>The name of the final linear layer whose rows weight the channels.</summary>
    public string ClassifierName { get; }

    /// <inheritdoc />
    public override string Name => "cam";

    /// <inheritdoc />
    protected override LayerMap ComputeLayerMap(Tensor input, Target target, string layer)
    {
        var captured = LayerActivations.Compute(Model, layer, input, target);
        if (captured.Targets.Any(c => c < 0))
            throw LumenException.Usage("cam explains a class, not a function of the output: give --target as class indices or 'predicted'");
        Tensor classes = tensor(captured.Targets, ScalarType.Int64, device: captured.Activations.device);
        Tensor weights = classifier.weight!.detach().index_select(0, classes);
        return new LayerMap(WeightChannels(weights, captured.Activations), captured.Targets, captured.Scores);
    }

    private void RequireGapLinearHead(string layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var capture = Model.Capture(layer);
        var generator = new Generator(seed: 0);
        Tensor logits = Model.Forward(randn(Model.InputShapeWithBatch(2), generator: generator).to(Model.Device.Torch)); // drawn on the CPU: the same numbers on every device
        Tensor activations = LayerActivations.RequireMap(Model, layer, capture[layer]);
        bool fits = activations.shape[1] == classifier.weight!.shape[1];
        if (fits)
        {
            Tensor predicted = nn.functional.linear(activations.mean(new long[] { 2, 3 }), classifier.weight!, classifier.bias);
            double difference = (predicted - logits).abs().max().item<float>();
            fits = difference <= Tolerance * (1 + logits.abs().max().item<float>());
        }
        if (!fits)
            throw LumenException.Usage($"cam needs '{layer}' to feed global average pooling and then the linear layer '{ClassifierName}' directly, but in {Model.Name} '{layer}' is followed by {Following(layer)}; choose the layer right before the pooling, or use gradcam");
    }

    /// <summary>The leaf layers that run after <paramref name="layer"/> (outside it), at most eight, for messages.</summary>
    private string Following(string layer)
    {
        layer = Model.LayerName(layer); // a module name, not another name the layer goes by
        var names = Model.LayerNames;
        var after = names.Skip(names.ToList().IndexOf(layer) + 1)
            .Where(name => !name.StartsWith(layer + ".", StringComparison.Ordinal))
            .Where(name => !names.Any(other => other.StartsWith(name + ".", StringComparison.Ordinal)))
            .ToList();
        return after.Count <= 8 ? string.Join(", ", after) : string.Join(", ", after.Take(8)) + $" (and {after.Count - 8} more)";
    }
}
