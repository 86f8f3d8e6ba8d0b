using Lumen.Data;

namespace Lumen.Understanding;

/// <summary>What the top-K files say about a ranked example besides its score: the dataset it came from, its name and its label.</summary>
public sealed class ExampleCatalog
{
    private readonly Func<int, string> name;
    private readonly Func<int, long?> label;

    /// <summary>Creates a catalog from lookups by dataset index.</summary>
    /// <param name="description">The dataset's description.</param>
    /// <param name="name">The name of the example at an index.</param>
    /// <param name="label">Its label, or null when the dataset has none.</param>
    /// <param name="classNames">Names of the label ids, or null.</param>
    public ExampleCatalog(string description, Func<int, string> name, Func<int, long?> label, IReadOnlyList<string>? classNames)
    {
        Description = description;
        this.name = name;
        this.label = label;
        ClassNames = classNames;
    }

    /// <summary>The dataset's description.</summary>
    public string Description { get; }

    /// <summary>Names of the label ids, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The catalog of a dataset.</summary>
    public static ExampleCatalog Of(IImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new ExampleCatalog(data.Description, data.ItemName, index => data.Labels?[index], data.ClassNames);
    }

    /// <summary>The name of the example at <paramref name="index"/>.</summary>
    public string NameOf(int index) => name(index);

    /// <summary>The label of the example at <paramref name="index"/>, or null.</summary>
    public long? LabelOf(int index) => label(index);
}
