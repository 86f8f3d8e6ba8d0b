using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>The random initialisations torchvision applies after building a model.</summary>
internal static class ArchitectureInit
{
    /// <summary>
    /// Convolutions: Kaiming normal (fan_out, ReLU gain), bias 0; BatchNorm: weight 1, bias 0;
    /// Linear: normal(0, <paramref name="linearStd"/>) and bias 0 when <paramref name="linearStd"/> is given,
    /// otherwise left at TorchSharp's default (which is PyTorch's default).
    /// </summary>
    public static void Apply(nn.Module model, double? linearStd)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, m) in model.named_modules())
        {
            switch (m)
            {
                case TorchSharp.Modules.Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    if (conv.bias is not null)
                        nn.init.zeros_(conv.bias);
                    break;
                case TorchSharp.Modules.BatchNorm2d bn:
                    if (bn.weight is not null)
                        nn.init.ones_(bn.weight);
                    if (bn.bias is not null)
                        nn.init.zeros_(bn.bias);
                    break;
                case TorchSharp.Modules.Linear linear when linearStd is double std:
                    nn.init.normal_(linear.weight, 0, std);
                    if (linear.bias is not null)
                        nn.init.zeros_(linear.bias);
                    break;
            }
        }
    }
}

/// <summary>Parameters created by hand in an architecture's constructor.</summary>
internal static class ArchitectureParameters
{
    /// <summary>
    /// A parameter holding <paramref name="data"/>, detached from any dispose scope: an architecture is often built
    /// inside a caller's scope, which would otherwise free the parameter when it ends.
    /// </summary>
    public static TorchSharp.Modules.Parameter Owned(Tensor data)
    {
        var parameter = new TorchSharp.Modules.Parameter(data);
        parameter.DetachFromDisposeScope();
        return parameter;
    }
}
