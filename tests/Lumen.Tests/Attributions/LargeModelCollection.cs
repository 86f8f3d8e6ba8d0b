using Xunit;

namespace Lumen.Tests.Attributions;

/// <summary>Tests that build ImageNet-sized models: run without other tests in parallel (memory measurements elsewhere stay clean).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeModelCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "large models";
}
