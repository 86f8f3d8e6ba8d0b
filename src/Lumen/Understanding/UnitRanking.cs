namespace Lumen.Understanding;

/// <summary>One unit's highest and lowest scoring examples of a dataset.</summary>
/// <param name="Unit">The unit.</param>
/// <param name="Top">The K highest, highest first (ties: earlier index first).</param>
/// <param name="Bottom">The K lowest, lowest first (ties: earlier index first).</param>
public sealed record UnitRanking(Unit Unit, IReadOnlyList<RankedExample> Top, IReadOnlyList<RankedExample> Bottom);
