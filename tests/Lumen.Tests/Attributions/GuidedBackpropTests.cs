using Lumen.Attributions.Gradients;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Attributions;

/// <summary>
/// Guided backpropagation and deconvnet against Captum 0.7 (tolerance <see cref="ReferenceComparison.RelativeTolerance"/>),
/// their reach on architectures built from ReLU modules, and the refusal of models whose ReLUs hooks cannot reach.
/// </summary>
public sealed class GuidedBackpropTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly ExplainableModel model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
    private readonly Tensor inputs = NpyFile.Read(Fixtures.FmnistInputs);
    private readonly Target target = Target.Classes(Fixtures.ReferenceTargets);

    public GuidedBackpropTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(ReluBackwardRule.Guided, "captum_guided_backprop")]
    [InlineData(ReluBackwardRule.Deconvnet, "captum_deconvolution")]
    public void MatchesCaptum(ReluBackwardRule rule, string reference)
    {
        using var attribution = new ModifiedReluBackprop(model, rule).Attribute(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution(reference));
        output.WriteLine(ReferenceComparison.Describe(expected, attribution.Values));
        ReferenceComparison.AssertMatches(expected, attribution.Values);
        Assert.Equal("3", attribution.Settings["relu-modules"]);
    }

    [Fact]
    public void TheForwardPassIsUnchangedAndTheHooksAreRemoved()
    {
        using var before = model.Predict(inputs);
        using var attribution = new ModifiedReluBackprop(model).Attribute(inputs, target);
        using var after = model.Predict(inputs);
        for (int i = 0; i < 4; i++) Assert.Equal(before[i, Fixtures.ReferenceTargets[i]].item<float>(), attribution.TargetScores[i]);
        Assert.Equal(0f, (after - before).abs().max().item<float>());
        using var saliency = new Saliency(model, SaliencyMode.Signed).Attribute(inputs, target);
        using var expected = NpyFile.Read(Fixtures.Attribution("captum_saliency_signed"));
        ReferenceComparison.AssertMatches(expected, saliency.Values);
    }

    [Fact]
    public void ReachesEveryReluOfResNet18()
    {
        using var resnet = new ExplainableModel(ModelCatalog.Find("resnet18").Create(10), "resnet18", new long[] { 3, 32, 32 });
        using var input = torch.randn(2, 3, 32, 32);
        using (var scope = new ModifiedReluScope(resnet, ReluBackwardRule.Guided, "guided-backprop"))
        {
            Assert.Equal(17, scope.Modules.Count);
            Assert.Equal(0, scope.FiredCount);
        }
        using var attribution = new ModifiedReluBackprop(resnet).Attribute(input, Target.Predicted);
        Assert.Equal("17", attribution.Settings["relu-modules"]);
        Assert.Equal(-1, attribution.FirstNonFiniteImage());
    }

    [Fact]
    public void TorchVisionResNetIsRefused()
    {
        using var resnet = new ExplainableModel(torchvision.models.resnet18(num_classes: 10), "torchvision-resnet18", new long[] { 3, 32, 32 });
        using var input = torch.randn(1, 3, 32, 32);
        var error = Assert.Throws<LumenException>(() => new ModifiedReluBackprop(resnet).Attribute(input, Target.Predicted));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("applies ReLU inside forward()", error.Message);
    }

    [Fact]
    public void TorchVisionAlexNetWorks()
    {
        using var alexnet = new ExplainableModel(torchvision.models.alexnet(num_classes: 10), "torchvision-alexnet", new long[] { 3, 64, 64 });
        using var input = torch.randn(1, 3, 64, 64);
        using var attribution = new ModifiedReluBackprop(alexnet, ReluBackwardRule.Deconvnet).Attribute(input, Target.Predicted);
        Assert.Equal("7", attribution.Settings["relu-modules"]);
    }

    [Fact]
    public void AModelWithoutReluModulesIsRefused()
    {
        var module = nn.Sequential(("flatten", nn.Flatten()), ("fc1", nn.Linear(16, 8)), ("tanh", nn.Tanh()), ("fc2", nn.Linear(8, 3)));
        using var plain = new ExplainableModel(module, "tanh-mlp", new long[] { 1, 4, 4 });
        using var input = torch.randn(2, 1, 4, 4);
        var error = Assert.Throws<LumenException>(() => new ModifiedReluBackprop(plain).Attribute(input, Target.Predicted));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("has no nn.ReLU", error.Message);
    }

    [Fact]
    public void AReluModuleThatNeverRunsThroughCallIsRefused()
    {
        using var hidden = new ExplainableModel(new ForwardBypass(), "bypass", new long[] { 1, 4, 4 });
        using var input = torch.randn(2, 1, 4, 4);
        var error = Assert.Throws<LumenException>(() => new ModifiedReluBackprop(hidden, ReluBackwardRule.Deconvnet).Attribute(input, Target.Predicted));
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("did not run through call()", error.Message);
        // The hooks are gone: a later plain forward does not count or change anything.
        using var logits = hidden.Predict(input);
        Assert.Equal(2, logits.shape[0]);
    }

    public void Dispose()
    {
        model.Dispose();
        inputs.Dispose();
    }

    /// <summary>Registers a ReLU module but calls it with forward(), where no hook sees it.</summary>
    private sealed class ForwardBypass : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear fc1 = nn.Linear(16, 8);
        private readonly TorchSharp.Modules.ReLU relu = nn.ReLU();
        private readonly TorchSharp.Modules.Linear fc2 = nn.Linear(8, 3);

        public ForwardBypass() : base(nameof(ForwardBypass)) => RegisterComponents();

        public override Tensor forward(Tensor x) => fc2.call(relu.forward(fc1.call(x.flatten(1))));
    }
}
