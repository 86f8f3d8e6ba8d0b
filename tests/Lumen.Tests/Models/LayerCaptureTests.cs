using Lumen.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Models;

public class LayerCaptureTests
{
    [Fact]
    public void CapturesActivationsAndTheirGradients()
    {
        using var model = LinearModels.GapLinear(2, 4, 3, classes: 2);
        using var input = torch.randn(1, 2, 4, 4);
        using var capture = model.Capture("conv", "gap");
        using var grad = torch.enable_grad();
        using var leaf = input.clone().requires_grad_(true);
        using var logits = model.Forward(leaf);
        Assert.Equal(new long[] { 1, 3, 4, 4 }, capture["conv"].shape);
        Assert.Equal(new long[] { 1, 3, 1, 1 }, capture["gap"].shape);
        var gradient = torch.autograd.grad(new[] { logits[0, 1] }, new[] { capture["gap"] })[0];
        using var fc = ((TorchSharp.Modules.Linear)model.ResolveLayer("fc")).weight!.detach();
        Assert.Equal(fc[1].data<float>().ToArray(), gradient.flatten().data<float>().ToArray());
    }

    [Fact]
    public void HooksAreRemovedOnDispose()
    {
        using var model = LinearModels.GapLinear(2, 4, 3, classes: 2);
        using var input = torch.randn(1, 2, 4, 4);
        var capture = model.Capture("conv");
        model.Predict(input).Dispose();
        Assert.True(capture.Fired("conv"));
        capture.Dispose();
        using var second = model.Capture("gap");
        model.Predict(input).Dispose();
        Assert.False(second.Fired("conv"));
        Assert.Throws<ObjectDisposedException>(() => capture["conv"]);
    }

    [Fact]
    public void HooksAreRemovedWhenTheForwardPassFails()
    {
        using var model = LinearModels.GapLinear(2, 4, 3, classes: 2);
        int calls = 0;
        using (var capture = model.Capture("conv"))
        {
            var conv = (torch.nn.Module<torch.Tensor, torch.Tensor>)model.ResolveLayer("conv");
            var counter = conv.register_forward_hook((_, _, _) => { calls++; return null!; });
            using var wrongShape = torch.randn(1, 5, 4, 4);
            Assert.Throws<LumenException>(() => model.Forward(wrongShape));
            counter.remove();
        }
        using var input = torch.randn(1, 2, 4, 4);
        model.Predict(input).Dispose();
        Assert.Equal(0, calls);
    }

    [Fact]
    public void UnknownLayerListsTheClosestNames()
    {
        using var model = LinearModels.GapLinear(2, 4, 3, classes: 2);
        var error = Assert.Throws<LumenException>(() => model.Capture("conv3"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.StartsWith("unknown layer 'conv3' in gap-linear; closest: conv,", error.Message);
    }

    [Fact]
    public void WrongInputShapeSaysTheExpectedOne()
    {
        using var model = LinearModels.GapLinear(2, 4, 3, classes: 2);
        using var input = torch.randn(1, 3, 4, 4);
        var error = Assert.Throws<LumenException>(() => model.Forward(input));
        Assert.Equal("input shape [1, 3, 4, 4] does not fit gap-linear: expected [N, 2, 4, 4]", error.Message);
    }
}
