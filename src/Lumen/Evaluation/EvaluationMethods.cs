using Lumen.Attributions;
using Lumen.Models;

namespace Lumen.Evaluation;

/// <summary>
/// The methods an evaluation accepts: every method of <see cref="MethodCatalog"/> plus two model-independent
/// references, <c>random</c> (uniform random map, the baseline every metric is read against) and <c>sobel</c>
/// (an edge detector of the input, the control of the model-randomization check).
/// </summary>
public static class EvaluationMethods
{
    /// <summary>The two reference methods that exist only for evaluation.</summary>
    public static IReadOnlyList<MethodDescriptor> References { get; } = new[]
    {
        new MethodDescriptor("random", "reference", "uniform random map (seeded): the baseline every evaluation metric is read against",
            false, new[] { new MethodSetting("seed", "0", "seed of the random generator") },
            (model, options) => new RandomAttribution(model, options.GetInt("seed", 0))),
        new MethodDescriptor("sobel", "reference", "Sobel edge magnitude of the input: a model-independent map, the control of the randomization check",
            false, Array.Empty<MethodSetting>(), (model, _) => new EdgeAttribution(model)),
    };

    /// <summary>The method called <paramref name="name"/>: a reference or a catalog method (unknown names are usage errors).</summary>
    public static MethodDescriptor Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = References.Concat(MethodCatalog.All).FirstOrDefault(method => method.Name == name.ToLowerInvariant());
        if (found is not null) return found;
        var closest = NameSuggestions.Closest(name, References.Concat(MethodCatalog.All).Select(method => method.Name), 1);
        throw LumenException.Usage($"unknown method '{name}' (did you mean '{closest[0]}'?); run 'lumen methods' for the list, or use 'random' or 'sobel'");
    }

    /// <summary>Builds the method called <paramref name="name"/> for <paramref name="model"/>.</summary>
    public static IAttributionMethod Build(string name, ExplainableModel model, MethodOptions options) => Find(name).Build(model, options);
}
