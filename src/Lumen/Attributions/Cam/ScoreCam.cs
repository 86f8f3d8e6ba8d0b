using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// Score-CAM (Wang et al. 2020) as pytorch-grad-cam computes it: each channel A_k is upsampled to the input's size
/// (bilinear, align_corners=True), min-max scaled to a mask M_k = (A_k - min) / (max - min + 1e-8), the input is
/// multiplied by the mask and the target logit of that masked input is the channel's score; w = softmax_k(scores),
/// map = Σ_k w_k A_k. No gradients; one forward pass per channel and image, run in chunks of <see cref="BatchedCamMethod.BatchSize"/>.
/// The paper's subtraction of a baseline score does not change a softmax and is omitted.
/// </summary>
public sealed class ScoreCam : BatchedCamMethod
{
    /// <summary>Masked inputs per forward pass by default (pytorch-grad-cam's 16).</summary>
    public const int DefaultBatchSize = 16;

    /// <summary>Creates Score-CAM on <paramref name="layer"/>.</summary>
    public ScoreCam(ExplainableModel model, string layer, bool relu = true, int batchSize = DefaultBatchSize)
        : this(model, new CamOptions(layer) { Relu = relu }, batchSize)
    {
    }

    /// <summary>Creates Score-CAM with shared CAM options.</summary>
    public ScoreCam(ExplainableModel model, CamOptions options, int batchSize = DefaultBatchSize) : base(model, options, batchSize)
    {
    }

    /// <inheritdoc />
    public override string Name => "scorecam";

    /// <inheritdoc />
    protected override LayerMap ComputeLayerMap(Tensor input, Target target, string layer)
    {
        var captured = LayerActivations.Compute(Model, layer, input, target);
        Tensor activations = captured.Activations;
        long channels = activations.shape[1];
        using var noGrad = no_grad();
        var rows = new List<Tensor>();
        for (long image = 0; image < activations.shape[0]; image++)
        {
            var scores = new List<Tensor>();
            for (long start = 0; start < channels; start += BatchSize)
            {
                using var chunk = NewDisposeScope();
                long length = Math.Min(BatchSize, channels - start);
                Tensor masks = Masks(activations[image].narrow(0, start, length), input.shape[2], input.shape[3]);
                Tensor logits = Model.Forward(input[image].unsqueeze(0) * masks);
                scores.Add(TargetScoring.Of(target, captured.Targets[image], logits, (int)image).MoveToOuterDisposeScope());
            }
            rows.Add(cat(scores, 0));
        }
        Tensor weights = stack(rows, 0).softmax(1);
        return new LayerMap(WeightChannels(weights, activations), captured.Targets, captured.Scores);
    }

    /// <summary>Channel maps [B, h, w] as masks [B, 1, H, W] in [0, 1], exactly as pytorch-grad-cam builds them.</summary>
    private static Tensor Masks(Tensor channelMaps, long height, long width)
    {
        long count = channelMaps.shape[0];
        Tensor upsampled = nn.functional.interpolate(channelMaps.unsqueeze(1), size: new[] { height, width },
            mode: InterpolationMode.Bilinear, align_corners: true);
        Tensor flat = upsampled.reshape(count, -1);
        Tensor minimum = flat.min(1, keepdim: true).values;
        Tensor maximum = flat.max(1, keepdim: true).values;
        return ((flat - minimum) / (maximum - minimum + 1e-8)).reshape(count, 1, height, width);
    }
}
