using Lumen.Imaging;
using Lumen.Models;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The shared machinery of every class activation map: each variant computes one map per image [N, 1, h, w] at a
/// layer's resolution (<see cref="ComputeLayerMap"/>); this base applies the optional ReLU and, when several layers
/// are given, brings each layer's map to the input's size (optionally min-max scaled) and merges them.
/// With one layer the result is the raw map at the layer's resolution: upsampling to the input size is
/// post-processing (<see cref="CamPostProcessing"/>), never done here.
/// </summary>
public abstract class CamMethod : IAttributionMethod
{
    /// <summary>Creates a CAM method on <paramref name="layer"/> of <paramref name="model"/>.</summary>
    protected CamMethod(ExplainableModel model, string layer, bool relu)
        : this(model, new CamOptions(layer) { Relu = relu })
    {
    }

    /// <summary>Creates a CAM method on the layers of <paramref name="options"/>; unknown layers are usage errors.</summary>
    protected CamMethod(ExplainableModel model, CamOptions options)
    {
        foreach (string layer in options.Layers) model.ResolveLayer(layer);
        Model = model;
        Options = options;
        if (options.EigenSmooth && !SupportsEigenSmooth)
            throw LumenException.Usage($"{Name} already projects its terms on their first principal direction; eigen-smooth does not apply to it (leave it out)");
    }

    /// <summary>Whether <see cref="CamOptions.EigenSmooth"/> may be set (false for the methods that are a projection already).</summary>
    protected virtual bool SupportsEigenSmooth => true;

    /// <summary>The explained model.</summary>
    protected ExplainableModel Model { get; }

    /// <summary>The shared CAM settings.</summary>
    public CamOptions Options { get; }

    /// <summary>The layer whose activations are weighted; with several layers, their names joined by commas.</summary>
    public string Layer => string.Join(",", Options.Layers);

    /// <summary>Whether negative map values are set to zero (the papers' definition).</summary>
    public bool Relu => Options.Relu;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["layer"] = Layer,
                ["relu"] = Relu ? "true" : "false",
                ["aug-smooth"] = Options.AugSmooth ? "true" : "false",
            };
            if (SupportsEigenSmooth) settings["eigen-smooth"] = Options.EigenSmooth ? "true" : "false";
            if (Options.AutomaticLayer) settings["layer-choice"] = "automatic";
            if (Options.Layers.Count > 1)
            {
                settings["combine"] = Options.Combine.ToString().ToLowerInvariant();
                settings["normalize"] = Options.Normalize ? "true" : "false";
                settings["upsampling"] = Options.Upsampling.ToString().ToLowerInvariant();
            }
            return settings;
        }
    }

    /// <summary>
    /// One layer: the map [N, 1, h, w] at the layer's resolution, <see cref="Attribution.Layer"/> naming the layer.
    /// Several layers: [N, 1, H, W] at the input's resolution (each layer's map after the ReLU, min-max scaled if
    /// <see cref="CamOptions.Normalize"/>, upsampled, then merged by <see cref="CamOptions.Combine"/>), with no layer.
    /// With <see cref="CamOptions.AugSmooth"/>, the mean of that map over the six augmented copies of the input.
    /// </summary>
    public Attribution Attribute(Tensor input, Target target)
    {
        Model.ValidateInput(input);
        return Options.AugSmooth ? AugmentationSmoothing.Average(input, target, AttributeOnce) : AttributeOnce(input, target);
    }

    private Attribution AttributeOnce(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var maps = new List<Tensor>();
        LayerMap? first = null;
        foreach (string layer in Options.Layers)
        {
            LayerMap computed = ComputeLayerMap(input, target, layer);
            first ??= computed;
            maps.Add(Relu ? nn.functional.relu(computed.Map) : computed.Map);
        }
        if (maps.Count == 1)
            return new Attribution(maps[0], Name, first!.Targets, first.Scores, Settings, Options.Layers[0]);

        int height = (int)input.shape[2];
        int width = (int)input.shape[3];
        Tensor stacked = stack(maps.Select(map => CamPostProcessing.ToSize(map, height, width, Options.Upsampling, Options.Normalize)), 0);
        Tensor combined = Options.Combine == CamCombination.Max ? stacked.amax(new long[] { 0 }) : stacked.mean(new long[] { 0 });
        return new Attribution(combined, Name, first!.Targets, first.Scores, Settings);
    }

    /// <summary>
    /// The variant's map for one layer, [N, 1, h, w] at that layer's resolution, before the ReLU, with the targets and
    /// scores of the unmodified forward pass. Tensors may stay in the caller's dispose scope.
    /// </summary>
    protected abstract LayerMap ComputeLayerMap(Tensor input, Target target, string layer);

    /// <summary>
    /// Σ_k w_k A_k: channel weights [N, C] applied to activations [N, C, h, w], giving [N, 1, h, w] (with
    /// <see cref="CamOptions.EigenSmooth"/>, the weighted activations' principal projection instead of the sum).
    /// </summary>
    protected Tensor WeightChannels(Tensor weights, Tensor activations) =>
        CombineTerms(weights.unsqueeze(2).unsqueeze(3) * activations);

    /// <summary>
    /// Per-channel terms [N, C, h, w] into the map [N, 1, h, w]: their sum over channels, or with
    /// <see cref="CamOptions.EigenSmooth"/> their projection on the first principal direction (<see cref="PrincipalProjection"/>).
    /// </summary>
    protected Tensor CombineTerms(Tensor terms) =>
        Options.EigenSmooth ? PrincipalProjection.Project(terms) : terms.sum(1, keepdim: true);
}
