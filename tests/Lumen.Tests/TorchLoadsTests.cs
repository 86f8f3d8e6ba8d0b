using TorchSharp;
using Xunit;

namespace Lumen.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void ForwardAndBackwardRun()
    {
        using var x = torch.ones(2, 3, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(2.0f, x.grad!.data<float>()[0]);
    }
}
