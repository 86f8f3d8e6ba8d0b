using Xunit;

namespace Lumen.Tests;

/// <summary>Tests that measure the whole process (memory) and must not share it with other tests running at the same time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
