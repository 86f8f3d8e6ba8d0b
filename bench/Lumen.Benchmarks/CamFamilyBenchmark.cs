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
[MemoryDiagnoser(displayGenColumns: false)]
public class CamFamilyBenchmark
{
    private ExplainableModel model = null!;
    private Tensor input = null!;
    private IAttributionMethod gradCam = null!;
    private IAttributionMethod gradCamPlusPlus = null!;
    private IAttributionMethod hiResCam = null!;
    private IAttributionMethod xGradCam = null!;
    private IAttributionMethod layerCam = null!;
    private IAttributionMethod cam = null!;
    private IAttributionMethod eigenCam = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        model = ModelCatalog.Load("resnet18");
        input = torch.randn(1, 3, 224, 224);
        gradCam = new GradCam(model, "layer4");
        gradCamPlusPlus = new GradCamPlusPlus(model, "layer4");
        hiResCam = new HiResCam(model, "layer4");
        xGradCam = new XGradCam(model, "layer4");
        layerCam = new LayerCam(model, "layer4");
        cam = new ClassActivationMapping(model, "layer4");
        eigenCam = new EigenCam(model, "layer4");
    }

    [Benchmark(Baseline = true, Description = "forward+backward")]
    public float ForwardBackward() => CamBenchmarkPasses.ForwardBackward(model, input);

    [Benchmark(Description = "forward")]
    public float Forward() => CamBenchmarkPasses.Forward(model, input);

    [Benchmark(Description = "gradcam")]
    public int GradCam() => CamBenchmarkPasses.Run(gradCam, input);

    [Benchmark(Description = "gradcam-plus-plus")]
    public int GradCamPlusPlus() => CamBenchmarkPasses.Run(gradCamPlusPlus, input);

    [Benchmark(Description = "hirescam")]
    public int HiResCam() => CamBenchmarkPasses.Run(hiResCam, input);

    [Benchmark(Description = "xgradcam")]
    public int XGradCam() => CamBenchmarkPasses.Run(xGradCam, input);

    [Benchmark(Description = "layercam")]
    public int LayerCam() => CamBenchmarkPasses.Run(layerCam, input);

    [Benchmark(Description = "cam")]
    public int Cam() => CamBenchmarkPasses.Run(cam, input);

    [Benchmark(Description = "eigencam")]
    public int EigenCam() => CamBenchmarkPasses.Run(eigenCam, input);

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        model.Dispose();
    }
}
