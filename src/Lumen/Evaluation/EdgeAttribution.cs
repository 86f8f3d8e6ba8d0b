using Lumen.Attributions;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// A deliberately model-independent "explanation": the Sobel gradient magnitude of the input (channels averaged,
/// replicate padding), [N, 1, H, W]. Adebayo et al. (2018) show that such an edge detector looks much like many
/// saliency maps; the model-randomization check must leave it unchanged (rank correlation 1), and a method whose maps
/// stay as close to the original as this one's does not depend on the model.
/// </summary>
public sealed class EdgeAttribution : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the edge map for <paramref name="model"/> (used only to resolve and record the target).</summary>
    public EdgeAttribution(ExplainableModel model) => this.model = model;

    /// <inheritdoc />
    public string Name => "sobel";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        var resolved = PerturbationTarget.Resolve(model, input, target, ScoreOutput.Logit);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor grey = input.to_type(ScalarType.Float32).mean(new long[] { 1 }, keepdim: true);
        Tensor padded = nn.functional.pad(grey, new long[] { 1, 1, 1, 1 }, PaddingModes.Replicate);
        Tensor horizontal = torch.tensor(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, device: input.device).reshape(1, 1, 3, 3);
        Tensor vertical = horizontal.transpose(2, 3);
        Tensor gx = nn.functional.conv2d(padded, horizontal);
        Tensor gy = nn.functional.conv2d(padded, vertical);
        Tensor magnitude = (gx * gx + gy * gy).sqrt();
        return new Attribution(magnitude, Name, resolved.Classes, resolved.Logits, Settings);
    }
}
