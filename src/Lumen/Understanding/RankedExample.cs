namespace Lumen.Understanding;

/// <summary>One image of a dataset with a unit's value on it.</summary>
/// <param name="Index">The image's position in the dataset's order.</param>
/// <param name="Score">The unit's value on it.</param>
public readonly record struct RankedExample(int Index, float Score);
