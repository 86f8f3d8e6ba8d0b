using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Ablation-CAM (Desai and Ramaswamy 2020) as pytorch-grad-cam computes it: channel k of the layer's output is
/// ablated and the network rerun from the layer on; w_k = (y - y_k) / y with y the target logit and y_k the logit
/// with channel k ablated; map = Σ_k w_k A_k. Ablating sets the channel to 0 when the image's smallest activation
/// is 0 (a post-ReLU layer), and otherwise to min(A) - 1e7, as the library does (after a following ReLU that equals
/// zeroing the channel there). The ablations run as copies of the image in chunks of <see cref="BatchedCamMethod.BatchSize"/>, each
/// copy with a different channel replaced by a forward hook on the layer.
/// </summary>
public sealed class AblationCam : BatchedCamMethod
{
    /// <summary>Ablated copies per forward pass by default (pytorch-grad-cam's 32).</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>What pytorch-grad-cam subtracts from the smallest activation when that is not zero.</summary>
    public const float AblationOffset = 1e7f;

    /// <summary>Creates Ablation-CAM on <paramref name="layer"/>.</summary>
    public AblationCam(ExplainableModel model, string layer, bool relu = true, int batchSize = DefaultBatchSize)
        : this(model, new CamOptions(layer) { Relu = relu }, batchSize)
    {
    }

    /// <summary>Creates Ablation-CAM with shared CAM options.</summary>
    public AblationCam(ExplainableModel model, CamOptions options, int batchSize = DefaultBatchSize) : base(model, options, batchSize)
    {
        foreach (string layer in options.Layers)
        {
            if (model.ResolveLayer(layer) is not (nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor>))
                throw LumenException.Usage($"ablationcam cannot replace the output of layer '{layer}' (it does not map one or two tensors to one tensor); choose a convolution or activation layer");
        }
    }

    /// <inheritdoc />
    public override string Name => "ablationcam";

    /// <inheritdoc />
    protected override LayerMap ComputeLayerMap(Tensor input, Target target, string layer)
    {
        var captured = LayerActivations.Compute(Model, layer, input, target);
        Tensor activations = captured.Activations;
        long channels = activations.shape[1];
        Tensor? replacement = null;
        Tensor Replace(Tensor output)
        {
            if (replacement is null) return null!; // null keeps the module's own output
            // A token layer keeps its special tokens; only the patch grid is ablated.
            Tensor replaced = output.dim() == 3 ? TokenGrid.Of(output, layer).ToTokens(replacement, output) : replacement.alias();
            if (!output.shape.SequenceEqual(replaced.shape))
                throw LumenException.Model($"layer '{layer}' produced [{string.Join(", ", output.shape)}] while ablating [{string.Join(", ", replaced.shape)}]; ablationcam needs a layer that runs once per forward pass");
            return replaced; // a new handle: the caller may free what the hook returns
        }
        // A two-input layer (a residual sum, a gated product of an imported graph) is replaced the same way.
        Action remove = Model.ResolveLayer(layer) is nn.Module<Tensor, Tensor> single
            ? single.register_forward_hook((_, _, output) => Replace(output)).remove
            : ((nn.Module<Tensor, Tensor, Tensor>)Model.ResolveLayer(layer)).register_forward_hook((_, _, _, output) => Replace(output)).remove;
        try
        {
            using var noGrad = no_grad();
            var rows = new List<Tensor>();
            for (long image = 0; image < activations.shape[0]; image++)
            {
                Tensor original = activations[image];
                float smallest = original.min().item<float>();
                float fill = smallest == 0 ? 0 : smallest - AblationOffset;
                var scores = new List<Tensor>();
                for (long start = 0; start < channels; start += BatchSize)
                {
                    using var chunk = NewDisposeScope();
                    long length = Math.Min(BatchSize, channels - start);
                    Tensor ablated = arange(channels, device: original.device).unsqueeze(0).eq(arange(start, start + length, device: original.device).unsqueeze(1));
                    replacement = where(ablated.reshape(length, channels, 1, 1), tensor(fill, device: original.device), original.unsqueeze(0));
                    Tensor copies = input[image].unsqueeze(0).expand(length, -1, -1, -1);
                    Tensor logits = Model.Forward(copies);
                    replacement = null;
                    scores.Add(TargetScoring.Of(target, captured.Targets[image], logits, (int)image).MoveToOuterDisposeScope());
                }
                float score = captured.Scores[image];
                rows.Add((score - cat(scores, 0)) / score);
            }
            Tensor weights = stack(rows, 0);
            return new LayerMap(WeightChannels(weights, activations), captured.Targets, captured.Scores);
        }
        finally
        {
            replacement = null;
            remove();
        }
    }
}
