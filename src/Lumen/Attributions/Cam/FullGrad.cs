using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// FullGrad (Srinivas and Fleuret 2019, "Full-Gradient Representation for Neural Network Visualization") as
/// pytorch-grad-cam computes it. It names no layer: it uses every Conv2d with a bias and every BatchNorm2d with a bias, in
/// registration order. Terms: the input-gradient term |x ⊙ dY/dx|, each input channel a term; and for each such
/// layer with output z and bias b (for BatchNorm2d the effective bias β − μ·γ/√(σ² + ε)), |b_c ⊙ dY/dz_c| summed over
/// channels c. Every term is min-max scaled per image and channel ((m − min) / (max + 1e-7) after subtracting the
/// minimum) and enlarged bilinearly to the input's size (half-pixel centres) before the sums. The attribution is the
/// sum of all terms, [N, 1, H, W] at the input's resolution (no ReLU: every term is non-negative);
/// pytorch-grad-cam returns it min-max scaled per image (<see cref="CamPostProcessing.MinMaxPerImage"/>).
/// </summary>
public sealed class FullGrad : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates FullGrad on <paramref name="model"/>; a model with no Conv2d bias and no BatchNorm2d is a usage error.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="augSmooth">Whether to average over mirrored and intensity-scaled copies (<see cref="AugmentationSmoothing"/>).</param>
    public FullGrad(ExplainableModel model, bool augSmooth = false)
    {
        this.model = model;
        AugSmooth = augSmooth;
        BiasLayers = model.LayerNames.Where(name => model.ResolveLayer(name) switch
        {
            Conv2d conv => conv.bias is not null,
            BatchNorm2d norm => norm.bias is not null,
            _ => false,
        }).ToList();
        if (BiasLayers.Count == 0)
            throw LumenException.Usage($"fullgrad needs Conv2d layers with a bias or BatchNorm2d layers, and {model.Name} has none; use gradcam or saliency");
    }

    /// <summary>The layers whose bias-gradient terms are summed, in registration order.</summary>
    public IReadOnlyList<string> BiasLayers { get; }

    /// <summary>Whether the map is averaged over augmented copies of the input.</summary>
    public bool AugSmooth { get; }

    /// <inheritdoc />
    public string Name => "fullgrad";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["layers"] = string.Join(",", BiasLayers),
        ["aug-smooth"] = AugSmooth ? "true" : "false",
    };

    /// <summary>The sum of <see cref="Components"/>: one map per image [N, 1, H, W] at the input's resolution.</summary>
    public Attribution Attribute(Tensor input, Target target)
    {
        model.ValidateInput(input);
        return AugSmooth ? AugmentationSmoothing.Average(input, target, AttributeOnce) : AttributeOnce(input, target);
    }

    private Attribution AttributeOnce(Tensor input, Target target)
    {
        using var scope = NewDisposeScope();
        var (components, targets, scores) = Compute(input, target);
        return new Attribution(components.sum(1, keepdim: true), Name, targets, scores, Settings);
    }

    /// <summary>
    /// The terms before they are summed, [N, C + L, H, W]: the C input channels' terms, then one per layer of
    /// <see cref="BiasLayers"/> (already summed over that layer's channels). The caller disposes the tensor.
    /// </summary>
    public Tensor Components(Tensor input, Target target)
    {
        model.ValidateInput(input);
        using var scope = NewDisposeScope();
        return Compute(input, target).Components.MoveToOuterDisposeScope();
    }

    private (Tensor Components, long[] Targets, float[] Scores) Compute(Tensor input, Target target)
    {
        int height = (int)input.shape[2], width = (int)input.shape[3];
        using var capture = model.Capture(BiasLayers.ToArray());
        using var gradients = enable_grad();
        Tensor leaf = input.detach().clone().requires_grad_(true);
        Tensor logits = model.Forward(leaf);
        long[] targets = target.ResolveClasses(logits);
        Tensor scores = target.Score(logits);
        var outputs = BiasLayers.Select(layer => LayerActivations.RequireMap(model, layer, capture[layer])).ToArray();
        var grads = autograd.grad(new[] { scores.sum() }, new[] { leaf }.Concat(outputs).ToArray());
        var terms = new List<Tensor> { ScaledPerChannel((leaf.detach() * grads[0]).abs(), height, width) };
        for (int i = 0; i < BiasLayers.Count; i++)
        {
            Tensor bias = EffectiveBias(model.ResolveLayer(BiasLayers[i]));
            Tensor biasGradient = (grads[i + 1] * bias.reshape(1, -1, 1, 1)).abs();
            terms.Add(ScaledPerChannel(biasGradient, height, width).sum(1, keepdim: true));
        }
        float[] scoreValues = scores.detach().cpu().data<float>().ToArray();
        return (cat(terms, 1), targets, scoreValues);
    }

    /// <summary>Each image's and channel's map of <paramref name="terms"/> [N, C, h, w] min-max scaled, then enlarged to H x W.</summary>
    private static Tensor ScaledPerChannel(Tensor terms, int height, int width)
    {
        long images = terms.shape[0], channels = terms.shape[1];
        Tensor planes = terms.reshape(images * channels, 1, terms.shape[2], terms.shape[3]);
        Tensor scaled = CamPostProcessing.ToSize(planes, height, width, Upsampling.Bilinear, normalize: true);
        return scaled.reshape(images, channels, height, width);
    }

    /// <summary>The bias added to each output channel: a convolution's own, or a BatchNorm's β − μ·γ/√(σ² + ε).</summary>
    private static Tensor EffectiveBias(nn.Module layer)
    {
        switch (layer)
        {
            case Conv2d conv:
                return conv.bias!.detach();
            case BatchNorm2d norm:
                if (norm.running_mean is null || norm.running_var is null)
                    throw LumenException.Model("fullgrad needs BatchNorm layers with running statistics (track_running_stats=true): a BatchNorm that normalises each batch by itself has no fixed bias");
                Tensor gamma = norm.weight?.detach() ?? ones_like(norm.running_mean);
                Tensor beta = norm.bias?.detach() ?? zeros_like(norm.running_mean);
                return beta - norm.running_mean * gamma / (norm.running_var + norm.eps).sqrt();
            default:
                throw new ArgumentException($"layer {layer.GetType().Name} has no bias term", nameof(layer));
        }
    }
}
