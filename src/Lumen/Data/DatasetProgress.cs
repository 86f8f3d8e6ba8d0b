namespace Lumen.Data;

/// <summary>How far a pass over a dataset has got: <paramref name="Done"/> of <paramref name="Total"/> images.</summary>
/// <param name="Done">Images processed so far.</param>
/// <param name="Total">Images in the pass.</param>
public readonly record struct DatasetProgress(int Done, int Total);
