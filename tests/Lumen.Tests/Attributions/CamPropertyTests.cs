using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Tests.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>Properties of the CAM family that hold on any model: CAM vs Grad-CAM, refusals, inner ResNet layers, several layers.</summary>
public class CamPropertyTests
{
    [Fact]
    public void CamEqualsGradCamUpToAPositiveScalePerImageOnAGapLinearNetwork()
    {
        using var model = LinearModels.GapLinear(3, 5, 8, classes: 4);
        using var input = torch.randn(3, 3, 5, 5);
        var target = Target.Classes(new[] { 0, 3, 1 });
        using var cam = new ClassActivationMapping(model, "conv", relu: false).Attribute(input, target);
        using var gradCam = new GradCam(model, "conv", relu: false).Attribute(input, target);
        AssertPositiveMultiple(cam.Values, gradCam.Values);
        Assert.Equal("fc", new ClassActivationMapping(model, "conv").ClassifierName);
    }

    [Fact]
    public void CamEqualsGradCamUpToAPositiveScaleOnTheReferenceCnnAtTheLayerBeforePooling()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        using var cam = new ClassActivationMapping(model, "relu3").Attribute(inputs, Target.Predicted);
        using var gradCam = new GradCam(model, "relu3").Attribute(inputs, Target.Predicted);
        AssertPositiveMultiple(cam.Values, gradCam.Values);
        Assert.Equal(Fixtures.ReferenceTargets.Select(c => (long)c), cam.Targets);
    }

    [Fact]
    public void CamRefusesALayerThatDoesNotFeedThePoolingDirectly()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var error = Assert.Throws<LumenException>(() => new ClassActivationMapping(model, "conv3"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("'conv3' is followed by relu3, gap, flatten, fc", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void CamRefusesANetworkWithoutGlobalAveragePooling()
    {
        using var model = new ExplainableModel(torch.nn.Sequential(
            ("conv", torch.nn.Conv2d(1, 4, 3)),
            ("flatten", torch.nn.Flatten()),
            ("fc", torch.nn.Linear(4 * 4 * 4, 3))), "no-gap", new long[] { 1, 6, 6 });
        var error = Assert.Throws<LumenException>(() => new ClassActivationMapping(model, "conv"));
        Assert.Contains("followed by flatten, fc", error.Message);
    }

    [Fact]
    public void EveryVariantWorksOnInnerResNetLayers()
    {
        torch.manual_seed(0);
        using var model = new ExplainableModel(ResNet.ResNet18(10), "resnet18", new long[] { 3, 64, 64 });
        using var input = torch.randn(2, 3, 64, 64);
        // Score-CAM and Ablation-CAM run one forward pass per channel: a 64-channel layer keeps the test fast.
        var methods = new (IAttributionMethod Method, long Side)[]
        {
            (new GradCam(model, "layer4.1.conv2"), 2),
            (new GradCamPlusPlus(model, "layer4.1.conv2"), 2),
            (new HiResCam(model, "layer3"), 4),
            (new XGradCam(model, "layer3.0.relu2"), 4),
            (new LayerCam(model, "layer4.1.conv2", relu: false), 2),
            (new EigenCam(model, "layer4.1.conv2"), 2),
            (new ClassActivationMapping(model, "layer4"), 2),
            (new AblationCam(model, "layer1.1.conv2", batchSize: 64), 16),
            (new ScoreCam(model, "layer1.0.relu2", batchSize: 64), 16),
        };
        foreach (var (method, side) in methods)
        {
            using var attribution = method.Attribute(input, Target.Predicted);
            Assert.Equal(new long[] { 2, 1, side, side }, attribution.Values.shape);
            Assert.Equal(-1, attribution.FirstNonFiniteImage());
        }
    }

    [Fact]
    public void SeveralLayersAreMergedAtTheInputSize()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        var options = new CamOptions("conv2", "conv3");
        using var mean = new GradCam(model, options).Attribute(inputs, Target.Predicted);
        using var max = new GradCam(model, new CamOptions("conv2", "conv3") { Combine = CamCombination.Max }).Attribute(inputs, Target.Predicted);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, mean.Values.shape);
        Assert.Null(mean.Layer);
        Assert.Equal("conv2,conv3", mean.Settings["layer"]);
        Assert.True(max.Values.ge(mean.Values - 1e-6f).all().item<bool>());

        using var conv2 = new GradCam(model, "conv2").Attribute(inputs, Target.Predicted);
        using var conv3 = new GradCam(model, "conv3").Attribute(inputs, Target.Predicted);
        using var expected = (CamPostProcessing.ToSize(conv2.Values, 28, 28, Upsampling.Bilinear, true)
            + CamPostProcessing.ToSize(conv3.Values, 28, 28, Upsampling.Bilinear, true)) / 2;
        LinearModelTests.AssertClose(expected, mean.Values, 1e-6f);
    }

    [Fact]
    public void TheMultiLayerSettingsAreRefusedForOneLayer()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var options = new MethodOptions("conv3", new Dictionary<string, string> { ["combine"] = "max" });
        var error = Assert.Throws<LumenException>(() => MethodCatalog.Find("layercam").Build(model, options));
        Assert.Contains("--param combine only applies when --layer names several layers", error.Message);
        Assert.Throws<LumenException>(() => MethodCatalog.Find("scorecam").Build(model, new MethodOptions("conv3", new Dictionary<string, string> { ["batch-size"] = "0" })));
    }

    [Fact]
    public void EveryVariantLeavesNoLiveTensorsOnceItsResultIsDisposed()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using var inputs = NpyFile.Read(Fixtures.FmnistInputs);
        var methods = new IAttributionMethod[]
        {
            new GradCamPlusPlus(model, "conv3"), new HiResCam(model, "conv3"), new XGradCam(model, "conv3"),
            new LayerCam(model, "conv3"), new ScoreCam(model, "conv3"), new AblationCam(model, "conv3"),
            new EigenCam(model, "conv3"), new ClassActivationMapping(model, "relu3"),
            new GradCam(model, new CamOptions("conv2", "conv3") { Combine = CamCombination.Max }),
        };
        foreach (var method in methods)
        {
            long before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
            using (method.Attribute(inputs, Target.Predicted))
            {
            }
            Assert.True(before == DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount, $"{method.Name} leaves tensors alive");
        }
    }

    private static void AssertPositiveMultiple(torch.Tensor expectedShape, torch.Tensor actual)
    {
        Assert.Equal(expectedShape.shape, actual.shape);
        for (long n = 0; n < actual.shape[0]; n++)
        {
            using var a = expectedShape[n].flatten();
            using var b = actual[n].flatten();
            float scale = (a.dot(b) / b.dot(b)).item<float>();
            Assert.True(scale > 0, $"image {n}: scale {scale} is not positive");
            float error = ((a - scale * b).abs().max() / a.abs().max()).item<float>();
            Assert.True(error < 1e-5f, $"image {n}: relative deviation {error} from a multiple");
        }
    }
}
