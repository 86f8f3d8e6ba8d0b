using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>One forward pass observed at a neuron, and the gradients neuron attribution takes from it.</summary>
internal static class NeuronPass
{
    /// <summary>dy/dx for every image of <paramref name="batch"/> and the neuron's values y (tensors in the caller's scope).</summary>
    public static (Tensor Gradient, Tensor Values) InputGradient(ExplainableModel model, Neuron neuron, Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var capture = model.Capture(neuron.Layer);
        using var gradients = torch.enable_grad();
        Tensor leaf = batch.detach().clone().requires_grad_(true);
        model.Forward(leaf);
        Tensor values = neuron.ValueIn(capture[neuron.Layer]);
        Tensor gradient = torch.autograd.grad(new[] { values.sum() }, new[] { leaf })[0];
        return (gradient.MoveToOuterDisposeScope(), values.detach().clone().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// (∂f/∂y) · (∂y/∂x) for every image of <paramref name="batch"/>: the part of the target score's input gradient that
    /// flows through the neuron y (tensor in the caller's scope).
    /// </summary>
    public static Tensor GradientThroughNeuron(ExplainableModel model, Neuron neuron, Tensor batch, Target target)
    {
        using var scope = NewDisposeScope();
        using var capture = model.Capture(neuron.Layer);
        using var gradients = torch.enable_grad();
        Tensor leaf = batch.detach().clone().requires_grad_(true);
        Tensor scores = target.Score(model.Forward(leaf));
        Tensor layerOutput = capture[neuron.Layer];
        Tensor values = neuron.ValueIn(layerOutput);
        Tensor layerGradient = torch.autograd.grad(new[] { scores.sum() }, new[] { layerOutput }, retain_graph: true)[0];
        Tensor scoreByNeuron = neuron.ValueIn(layerGradient).detach();
        Tensor gradient = torch.autograd.grad(new[] { (scoreByNeuron * values).sum() }, new[] { leaf })[0];
        return gradient.MoveToOuterDisposeScope();
    }

    /// <summary>The neuron's value for every image of <paramref name="batch"/>, without gradients.</summary>
    public static Tensor Values(ExplainableModel model, Neuron neuron, Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var capture = model.Capture(neuron.Layer);
        using var noGrad = torch.no_grad();
        model.Forward(batch);
        return neuron.ValueIn(capture[neuron.Layer]).clone().MoveToOuterDisposeScope();
    }

    /// <summary>The neuron with its layer name resolved, checked against the layer's output shape by one forward pass.</summary>
    public static Neuron Check(ExplainableModel model, Neuron neuron)
    {
        var resolved = neuron with { Layer = model.LayerName(neuron.Layer) };
        using var scope = NewDisposeScope();
        Values(model, resolved, torch.zeros(model.InputShapeWithBatch(1), device: model.Device.Torch));
        return resolved;
    }
}
