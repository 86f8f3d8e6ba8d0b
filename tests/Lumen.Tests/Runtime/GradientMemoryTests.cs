using Lumen.Models;
using Lumen.Runtime;
using Xunit;

namespace Lumen.Tests.Runtime;

public class GradientMemoryTests
{
    [Fact]
    public void LayerOutputBytesCountTheLeafLayersOfOneInput()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        // conv1, relu1 16×28×28; pool1 16×14×14; conv2, relu2 32×14×14; pool2 32×7×7; conv3, relu3 64×7×7;
        // gap 64×1×1; flatten 64; fc 10: 48,746 floats.
        Assert.Equal(4L * 48_746, GradientMemory.LayerOutputBytes(model));
    }

    [Fact]
    public void ContainersAreNotCountedTwice()
    {
        using var model = ModelCatalog.Load("resnet18");
        long leaves = GradientMemory.LayerOutputBytes(model);
        long everything = model.DescribeLayers().Where(layer => layer.OutputShape is not null)
            .Sum(layer => 4 * layer.OutputShape!.Aggregate(1L, (size, dimension) => size * dimension));
        Assert.True(leaves < everything, $"{leaves} bytes of leaf outputs against {everything} with the blocks");
    }

    [Fact]
    public void PassesAreCappedByMemoryAndNeverEmpty()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        long budget = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * GradientMemory.MemoryShare);
        long cap = budget / (GradientMemory.BytesFactor * GradientMemory.LayerOutputBytes(model));
        Assert.Equal((int)Math.Min(cap, int.MaxValue), GradientMemory.InputsPerPass(model, int.MaxValue));
        Assert.Equal(5, GradientMemory.InputsPerPass(model, 5));
        Assert.Equal(1, GradientMemory.InputsPerPass(model, 0));
    }

    [Fact]
    public void PassesWithoutGradientsCountTheLayerOutputsOnce()
    {
        using var model = ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        long budget = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * GradientMemory.MemoryShare);
        long cap = budget / GradientMemory.LayerOutputBytes(model);
        Assert.Equal((int)Math.Min(cap, int.MaxValue), GradientMemory.InputsPerPass(model, int.MaxValue, withGradients: false));
        Assert.Equal(64, GradientMemory.InputsPerPass(model, 64, withGradients: false));
    }
}
