namespace Lumen.Attributions.Relevance;

/// <summary>
/// Brings a model into the canonical form LRP rules assume (Zennit's canonizers), by recording replacement
/// parameters in a <see cref="CanonizedModel"/>. The user's module and its parameters are never modified.
/// </summary>
public interface ICanonizer
{
    /// <summary>The canonizer's name, e.g. <c>merge-batchnorm</c>.</summary>
    string Name { get; }

    /// <summary>Records this canonizer's changes in <paramref name="model"/>.</summary>
    void Apply(CanonizedModel model);
}
