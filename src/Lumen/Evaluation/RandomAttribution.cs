using System.Globalization;
using Lumen.Attributions;
using Lumen.Attributions.Perturbation;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>
/// The baseline every evaluation metric is read against: a map of independent uniform random values in [0, 1), one
/// per pixel ([N, 1, H, W]), drawn from a generator seeded with <see cref="Seed"/>. It knows nothing about the model,
/// so a method that does no better than it on a metric carries no information the metric can see.
/// </summary>
public sealed class RandomAttribution : IAttributionMethod
{
    private readonly ExplainableModel model;

    /// <summary>Creates the baseline for <paramref name="model"/> (used only to resolve and record the target).</summary>
    public RandomAttribution(ExplainableModel model, int seed = 0)
    {
        this.model = model;
        Seed = seed;
    }

    /// <summary>The seed: the same seed and batch give the same maps.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["seed"] = Seed.ToString(CultureInfo.InvariantCulture) };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        var resolved = PerturbationTarget.Resolve(model, input, target, ScoreOutput.Logit);
        var random = new Random(Seed);
        long count = input.shape[0] * input.shape[2] * input.shape[3];
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = random.NextSingle();
        using var flat = torch.tensor(values, dtype: ScalarType.Float32);
        using var maps = flat.reshape(input.shape[0], 1, input.shape[2], input.shape[3]);
        return new Attribution(maps.to(input.device), Name, resolved.Classes, resolved.Logits, Settings);
    }
}
