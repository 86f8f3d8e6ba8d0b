using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>The baselines and the method call shared by the CAM benchmarks.</summary>
internal static class CamBenchmarkPasses
{
    /// <summary>One forward pass and one backward pass to the input.</summary>
    public static float ForwardBackward(ExplainableModel model, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var grad = torch.enable_grad();
        var leaf = input.detach().clone().requires_grad_(true);
        var logits = model.Forward(leaf);
        var score = logits.max(1).values.sum();
        var gradient = torch.autograd.grad(new[] { score }, new[] { leaf })[0];
        return gradient[0, 0, 0, 0].item<float>();
    }

    /// <summary>One forward pass without gradients.</summary>
    public static float Forward(ExplainableModel model, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.Forward(input)[0, 0].item<float>();
    }

    /// <summary>One attribution of the predicted class.</summary>
    public static int Run(IAttributionMethod method, Tensor input)
    {
        using var attribution = method.Attribute(input, Target.Predicted);
        return attribution.Count;
    }
}
