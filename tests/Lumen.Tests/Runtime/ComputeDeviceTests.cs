using Lumen.Attributions;
using Lumen.Models;
using Lumen.Onnx;
using Lumen.Runtime;
using Lumen.Tests.Onnx;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Runtime;

/// <summary>The library's device rules: parsing, availability, and moving an <see cref="ExplainableModel"/>.</summary>
public sealed class ComputeDeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceType.CPU, null, "cpu")]
    [InlineData(" CPU ", DeviceType.CPU, null, "cpu")]
    [InlineData("cuda", DeviceType.CUDA, null, "cuda")]
    [InlineData("Cuda:0", DeviceType.CUDA, 0, "cuda:0")]
    [InlineData("cuda:3", DeviceType.CUDA, 3, "cuda:3")]
    public void ParsesCpuCudaAndCudaN(string text, DeviceType type, int? index, string shown)
    {
        var device = ComputeDevice.Parse(text);
        Assert.Equal(type, device.Type);
        Assert.Equal(index, device.Index);
        Assert.Equal(shown, device.ToString());
        Assert.Equal(type == DeviceType.CPU, device.IsCpu);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:one")]
    [InlineData("cpu:0")]
    [InlineData("mps")]
    public void AnUnknownDeviceIsAUsageErrorNamingTheAcceptedValues(string text)
    {
        Assert.False(ComputeDevice.TryParse(text, out _));
        var error = Assert.Throws<LumenException>(() => ComputeDevice.Parse(text));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("cpu, cuda or cuda:N", error.Message);
    }

    [Fact]
    public void TheTorchDeviceKeepsTheIndexAndPlainCudaMeansTheFirstGpu()
    {
        Assert.Equal(DeviceType.CPU, ComputeDevice.Cpu.Torch.type);
        Assert.Equal(0, ComputeDevice.Parse("cuda").Torch.index);
        Assert.Equal(2, ComputeDevice.Parse("cuda:2").Torch.index);
        Assert.Equal(DeviceType.CUDA, ComputeDevice.Parse("cuda:2").Torch.type);
    }

    [Fact]
    public void TheCpuIsAlwaysAvailable()
    {
        Assert.Null(ComputeDevice.Cpu.Unavailable());
        Assert.Null(ComputeDevice.Cpu.Unavailable(0));
        ComputeDevice.Cpu.EnsureAvailable();
        Assert.Same(ComputeDevice.Cpu, ComputeDevice.Resolve("cpu"));
    }

    [Fact]
    public void CudaNeedsAVisibleGpuAndCudaNNeedsMoreThanN()
    {
        Assert.Contains("CUDA is not available here", ComputeDevice.Parse("cuda").Unavailable(0));
        Assert.Contains("CUDA is not available here", ComputeDevice.Parse("cuda:1").Unavailable(0));
        Assert.Null(ComputeDevice.Parse("cuda").Unavailable(1));
        Assert.Null(ComputeDevice.Parse("cuda:1").Unavailable(2));
        Assert.Equal("there is no CUDA device 2: 2 are visible (cuda:0 to cuda:1)", ComputeDevice.Parse("cuda:2").Unavailable(2));
        Assert.Equal("there is no CUDA device 1: 1 is visible (cuda:0 to cuda:0)", ComputeDevice.Parse("cuda:1").Unavailable(1));
    }

    [Fact]
    public void WithoutAGpuResolvingCudaFailsWithTheReason()
    {
        if (ComputeDevice.VisibleCudaDevices() > 0) return; // this check is about machines without CUDA
        var error = Assert.Throws<LumenException>(() => ComputeDevice.Resolve("cuda"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("device cuda: CUDA is not available here (this build of libtorch is CPU-only or no GPU is visible); use cpu", error.Message);
    }

    [Fact]
    public void TensorsAndModulesReportTheirDevice()
    {
        using var scope = NewDisposeScope();
        Tensor tensor = torch.zeros(2);
        Assert.Equal(ComputeDevice.Cpu, ComputeDevice.Of(tensor));
        Assert.True(ComputeDevice.Cpu.Holds(tensor));
        Assert.False(ComputeDevice.Parse("cuda").Holds(tensor));
        using var module = nn.Linear(2, 3);
        Assert.Equal(ComputeDevice.Cpu, ComputeDevice.Of(module));
        using var empty = nn.ReLU();
        Assert.Equal(ComputeDevice.Cpu, ComputeDevice.Of(empty));
    }

    [Fact]
    public void AModelStartsOnTheCpuAndMovingItThereChangesNothing()
    {
        using var scope = NewDisposeScope();
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        Assert.Equal(ComputeDevice.Cpu, model.Device);
        Tensor input = torch.rand(new long[] { 2, 1, 28, 28 }, generator: new Generator(5));
        Tensor before = model.Predict(input);
        Assert.Same(model, model.To(ComputeDevice.Cpu));
        Assert.Same(model, model.To(ComputeDevice.Parse("cpu")));
        Assert.Equal(ComputeDevice.Cpu, model.Device);
        Assert.True(model.Module.parameters().All(p => !p.requires_grad));
        Assert.True(before.eq(model.Predict(input)).all().item<bool>());
    }

    [Fact]
    public void MovingToAnAbsentGpuFailsAndLeavesTheModelWhereItWas()
    {
        if (ComputeDevice.VisibleCudaDevices() > 0) return;
        using var scope = NewDisposeScope();
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        var error = Assert.Throws<LumenException>(() => model.To(ComputeDevice.Parse("cuda")));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("CUDA is not available here", error.Message);
        Assert.Equal(ComputeDevice.Cpu, model.Device);
        Assert.Equal(10, model.Predict(torch.zeros(1, 1, 28, 28)).shape[1]);
    }

    [Fact]
    public void AModelOnOnnxRuntimeStaysOnTheCpu()
    {
        using var blackBox = OnnxBlackBox.Load(MnistImportTests.MnistPath);
        Assert.Equal(ComputeDevice.Cpu, blackBox.Device);
        Assert.Same(blackBox, blackBox.To(ComputeDevice.Cpu));
        var error = Assert.Throws<LumenException>(() => blackBox.To(ComputeDevice.Parse("cuda:0")));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("runs on ONNX Runtime, which Lumen runs on the CPU only", error.Message);
    }

    [Fact]
    public void AnInputOnAnotherDeviceIsRefusedNamingBothDevices()
    {
        using var scope = NewDisposeScope();
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        // A meta tensor has a shape and no values: enough to reach the device check without a GPU.
        Tensor elsewhere = torch.zeros(new long[] { 1, 1, 28, 28 }, device: new Device(DeviceType.META));
        var error = Assert.Throws<LumenException>(() => model.ValidateInput(elsewhere));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("the input is on meta but fmnist-cnn is on cpu", error.Message);
    }
}
