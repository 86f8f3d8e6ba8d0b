using Lumen.Models;
using Lumen.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Runtime;

/// <summary>The channels-last layout batches enter the model in: same values, same logits and gradients.</summary>
public sealed class MemoryLayoutTests
{
    [Fact]
    public void ABatchBecomesAChannelsLastCopyWithTheSameValues()
    {
        using var scope = NewDisposeScope();
        var images = torch.randn(3, 4, 5, 6);
        Assert.False(MemoryLayout.IsChannelsLast(images));
        var laidOut = MemoryLayout.ForConvolutions(images);
        Assert.True(MemoryLayout.IsChannelsLast(laidOut));
        Assert.Equal(images.shape, laidOut.shape);
        Assert.Equal(new long[] { 4 * 5 * 6, 1, 6 * 4, 4 }, laidOut.stride());
        Assert.True(images.allclose(laidOut, 0, 0));
    }

    [Fact]
    public void OneImageOtherRanksChannelsLastInputAndCopiedOutModelsAreLeftAsTheyAre()
    {
        using var scope = NewDisposeScope();
        var one = torch.randn(1, 3, 8, 8);
        var flat = torch.randn(4, 10);
        var already = MemoryLayout.ForConvolutions(torch.randn(2, 3, 8, 8));
        var batch = torch.randn(2, 3, 8, 8);
        Assert.Same(one, MemoryLayout.ForConvolutions(one));
        Assert.Same(flat, MemoryLayout.ForConvolutions(flat));
        Assert.Same(already, MemoryLayout.ForConvolutions(already));
        Assert.Same(batch, MemoryLayout.ForConvolutions(batch, copiedOut: true));
    }

    /// <summary>
    /// Different memory layouts make oneDNN sum in a different order, so logits agree to float32 rounding (1e-4 relative
    /// to their largest magnitude), not bit for bit. Input gradients are compared by direction (cosine at least 0.999):
    /// ReLU and max-pooling gradients are discontinuous, so a forward difference at rounding level can switch a gate or
    /// a pooling winner and move a few elements' gradients by their full size. The gradient comes back with
    /// channels-last strides, and reading it into .NET gives the values in [N, C, H, W] order all the same.
    /// </summary>
    [Fact]
    public void ModelLogitsAndInputGradientsMatchTheDefaultLayout()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var model = ModelCatalog.Load("resnet18", classes: 10);
        var input = torch.randn(2, 3, 224, 224);

        var (viaForward, gradientViaForward) = LogitsAndGradient(input, x => model.Forward(x));
        var (viaModule, gradientViaModule) = LogitsAndGradient(input, x => model.Module.call(x));

        AssertClose(viaModule, viaForward);
        var (a, b) = (gradientViaModule.to(ScalarType.Float64), gradientViaForward.to(ScalarType.Float64));
        double cosine = (a * b).sum().item<double>() / (a.norm().item<double>() * b.norm().item<double>());
        Assert.True(cosine >= 0.999, $"cosine of the input gradients {cosine}");
        Assert.Equal(gradientViaForward.contiguous().data<float>().ToArray(), gradientViaForward.data<float>().ToArray());
    }

    [Fact]
    public void AModuleThatViewsItsActivationsRunsOnTheLayoutItWasGiven()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        using var model = new ExplainableModel(new ViewingNet(), "viewing", new long[] { 3, 6, 6 });
        var input = torch.randn(2, 3, 6, 6);
        using var noGrad = torch.no_grad();
        var expected = model.Module.call(input);
        var refused = Assert.ThrowsAny<Exception>(() => model.Module.call(MemoryLayout.ForConvolutions(input)));
        Assert.True(MemoryLayout.IsLayoutError(refused), refused.Message);
        AssertClose(expected, model.Forward(input));
        AssertClose(expected, model.Forward(input));
    }

    private static (Tensor Logits, Tensor Gradient) LogitsAndGradient(Tensor input, Func<Tensor, Tensor> forward)
    {
        using var grad = torch.enable_grad();
        var leaf = input.detach().clone().requires_grad_(true);
        var logits = forward(leaf);
        var gradient = torch.autograd.grad([logits[.., 0].sum()], [leaf])[0];
        return (logits.detach(), gradient);
    }

    /// <summary>Flattens with <c>view</c>, which a channels-last activation does not allow.</summary>
    private sealed class ViewingNet : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv = nn.Conv2d(3, 4, 3, padding: 1);
        private readonly TorchSharp.Modules.Linear fc = nn.Linear(4 * 6 * 6, 3);

        public ViewingNet() : base("viewing") => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.call(conv.call(x).relu().view(x.shape[0], -1));
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        double scale = expected.abs().max().item<float>();
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= 1e-4 * scale, $"max abs difference {difference} for values up to {scale}");
    }
}
