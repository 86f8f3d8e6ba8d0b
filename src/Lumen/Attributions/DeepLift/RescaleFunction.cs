using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.DeepLift;

/// <summary>
/// A non-linear layer in the forward pass (its own <c>forward</c> on a batch [inputs; references] of 2P), with DeepLift's
/// rescale rule (Shrikumar, Greenside and Kundaje 2017) as its backward pass. For the input half x and the reference
/// half r, with incoming gradient g of the input half:
/// element-wise f: g · (f(x) − f(r)) / (x − r), and g · f′(x) where |x − r| &lt; eps;
/// max pooling (Captum's rule): with y = pool(x), y_r = pool(r), M = max(y, y_r), the vector-Jacobian product of pool
/// at x with g · (M − y_r) plus that at r with g · (y − M), divided by x − r, and the ordinary pooling gradient at x
/// where |x − r| &lt; eps. The reference half gets no gradient (only the input half's gradient is used).
/// Applied as <c>RescaleFunction.apply(input, layer, kind, eps)</c>.
/// </summary>
internal sealed class RescaleFunction : torch.autograd.SingleTensorFunction<RescaleFunction>
{
    public override string Name => "LumenDeepLiftRescale";

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var layer = (nn.Module<Tensor, Tensor>)vars[1];
        ctx.save_for_backward(new List<Tensor> { input });
        ctx.save_data("layer", layer);
        ctx.save_data("kind", vars[2]);
        ctx.save_data("eps", vars[3]);
        return layer.forward(input);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var layer = (nn.Module<Tensor, Tensor>)ctx.get_data("layer");
        var kind = (RescaleKind)ctx.get_data("kind");
        double eps = (double)ctx.get_data("eps");
        Tensor input = ctx.get_saved_variables()[0];
        long pairs = input.shape[0] / 2;
        Tensor x = input.narrow(0, 0, pairs).detach();
        Tensor r = input.narrow(0, pairs, pairs).detach();
        Tensor g = gradOutput.narrow(0, 0, pairs);
        Tensor deltaIn = x - r;
        Tensor small = deltaIn.abs().lt(eps);
        Tensor safe = torch.where(small, torch.ones_like(deltaIn), deltaIn);
        Tensor gradient;
        using (torch.enable_grad())
        {
            if (kind == RescaleKind.Elementwise)
            {
                var (yx, ordinary) = ValueAndVjp(layer, x, g);
                Tensor yr = layer.forward(r);
                gradient = torch.where(small, ordinary, g * (yx - yr) / safe);
            }
            else
            {
                var (y, ordinary) = ValueAndVjp(layer, x, g);
                Tensor yr = layer.forward(r);
                Tensor highest = torch.maximum(y, yr);
                Tensor routed = Vjp(layer, x, g * (highest - yr)) + Vjp(layer, r, g * (y - highest));
                gradient = torch.where(small, ordinary, routed / safe);
            }
        }
        return new List<Tensor> { torch.cat(new[] { gradient, torch.zeros_like(gradient) }, 0), null!, null!, null! };
    }

    /// <summary>layer(at) and the vector-Jacobian product of layer at <paramref name="at"/> with <paramref name="vector"/>.</summary>
    private static (Tensor Value, Tensor Product) ValueAndVjp(nn.Module<Tensor, Tensor> layer, Tensor at, Tensor vector)
    {
        Tensor leaf = at.detach().clone().requires_grad_(true);
        Tensor value = layer.forward(leaf);
        Tensor product = torch.autograd.grad(new[] { value }, new[] { leaf }, new[] { vector.detach() })[0];
        return (value.detach(), product);
    }

    private static Tensor Vjp(nn.Module<Tensor, Tensor> layer, Tensor at, Tensor vector) => ValueAndVjp(layer, at, vector).Product;
}
