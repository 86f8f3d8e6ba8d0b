using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Concepts;

/// <summary>
/// What TCAV reads from a layer: its activations for a set of images, flattened to one vector per image, and the
/// gradient of a class logit with respect to those activations. Both float64 [N, D], computed in batches.
/// </summary>
public static class LayerResponses
{
    /// <summary>The activations of <paramref name="layer"/> for <paramref name="inputs"/> [N, C, H, W], as float64 [N, D].</summary>
    public static Tensor Activations(ExplainableModel model, string layer, Tensor inputs, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        return Batched(model, inputs, batchSize, chunk =>
        {
            using var capture = model.Capture(layer);
            using var noGrad = no_grad();
            model.Forward(chunk);
            return Captured(model, layer, capture).detach().to_type(ScalarType.Float64).reshape(chunk.shape[0], -1);
        });
    }

    /// <summary>
    /// The gradient of the logit of class <paramref name="classIndex"/> with respect to the activations of
    /// <paramref name="layer"/>, for every image of <paramref name="inputs"/>, as float64 [N, D].
    /// </summary>
    public static Tensor ClassGradients(ExplainableModel model, string layer, Tensor inputs, int classIndex, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (classIndex < 0 || classIndex >= model.ClassCount)
            throw LumenException.Usage($"class {classIndex} is out of range: the model has {model.ClassCount} classes (0 to {model.ClassCount - 1})");
        return Batched(model, inputs, batchSize, chunk =>
        {
            using var capture = model.Capture(layer);
            using var gradients = enable_grad();
            Tensor leaf = chunk.detach().clone().requires_grad_(true);
            Tensor logits = model.Forward(leaf);
            Tensor activations = Captured(model, layer, capture);
            Tensor score = logits.select(1, classIndex).sum();
            Tensor gradient = torch.autograd.grad(new[] { score }, new[] { activations })[0];
            return gradient.to_type(ScalarType.Float64).reshape(chunk.shape[0], -1);
        });
    }

    private static Tensor Captured(ExplainableModel model, string layer, LayerCapture capture)
    {
        string name = model.LayerName(layer);
        if (!capture.Fired(name)) throw LumenException.Usage($"layer '{layer}' of {model.Name} produced no output in a forward pass; pick another with 'lumen layers'");
        return capture[name];
    }

    private static Tensor Batched(ExplainableModel model, Tensor inputs, int batchSize, Func<Tensor, Tensor> run)
    {
        if (batchSize < 1) throw LumenException.Usage($"--batch-size {batchSize}: expected a positive number of images per pass");
        model.ValidateInput(inputs);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < inputs.shape[0]; start += batchSize)
        {
            long count = Math.Min(batchSize, inputs.shape[0] - start);
            parts.Add(run(inputs.narrow(0, start, count).to(model.Device.Torch)).cpu());
        }
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }
}
