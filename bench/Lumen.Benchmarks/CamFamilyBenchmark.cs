using BenchmarkDotNet.Attributes;
using Lumen.Attributions;
using Lumen.Attributions.Cam;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarks;

/// <summary>
/// The cost of the gradient-based CAM variants, CAM and Eigen-CAM at layer4 of resnet18 (random weights) on one
/// 224x224 image, as a ratio to one forward and one backward pass to the input measured in the same run.
/// Score-CAM and Ablation-CAM, which run one forward pass per channel, are in <see cref="CamPerturbationBenchmark"/>.
/// </summary>
public class CamFamilyBenchmark : Resnet18Benchmark
{
    private IAttributionMethod gradCam = null!;
    private IAttributionMethod gradCamPlusPlus = null!;
    private IAttributionMethod hiResCam = null!;
    private IAttributionMethod xGradCam = null!;
    private IAttributionMethod layerCam = null!;
    private IAttributionMethod cam = null!;
    private IAttributionMethod eigenCam = null!;

    protected override void CreateMethods()
    {
        gradCam = new GradCam(Model, "layer4");
        gradCamPlusPlus = new GradCamPlusPlus(Model, "layer4");
        hiResCam = new HiResCam(Model, "layer4");
        xGradCam = new XGradCam(Model, "layer4");
        layerCam = new LayerCam(Model, "layer4");
        cam = new ClassActivationMapping(Model, "layer4");
        eigenCam = new EigenCam(Model, "layer4");
    }

    [Benchmark(Baseline = true, Description = "forward+backward")]
    public float ForwardBackward() => ForwardBackwardPass();

    [Benchmark(Description = "forward")]
    public float Forward() => ForwardPass();

    [Benchmark(Description = "gradcam")]
    public int GradCam() => Run(gradCam);

    [Benchmark(Description = "gradcam-plus-plus")]
    public int GradCamPlusPlus() => Run(gradCamPlusPlus);

    [Benchmark(Description = "hirescam")]
    public int HiResCam() => Run(hiResCam);

    [Benchmark(Description = "xgradcam")]
    public int XGradCam() => Run(xGradCam);

    [Benchmark(Description = "layercam")]
    public int LayerCam() => Run(layerCam);

    [Benchmark(Description = "cam")]
    public int Cam() => Run(cam);

    [Benchmark(Description = "eigencam")]
    public int EigenCam() => Run(eigenCam);
}
