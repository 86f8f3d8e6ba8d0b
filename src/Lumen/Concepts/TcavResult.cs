namespace Lumen.Concepts;

/// <summary>
/// The TCAV test of one concept for one class at one layer.
/// </summary>
/// <param name="Concept">The concept's name.</param>
/// <param name="ClassIndex">The class whose logit was differentiated.</param>
/// <param name="Layer">The layer.</param>
/// <param name="Scores">The TCAV score of each run (concept against random set r): the share of class images whose
/// directional derivative along that run's CAV is positive.</param>
/// <param name="RandomScores">The same for random set 0 against random set r: what chance gives.</param>
/// <param name="CavAccuracies">The held-out accuracy of each run's concept classifier.</param>
/// <param name="T">The t statistic of scores against random scores.</param>
/// <param name="PValue">The two-sided p-value of the t-test.</param>
/// <param name="Threshold">α divided by the number of hypotheses (Bonferroni).</param>
public sealed record TcavResult(string Concept, int ClassIndex, string Layer, IReadOnlyList<double> Scores, IReadOnlyList<double> RandomScores,
    IReadOnlyList<double> CavAccuracies, double T, double PValue, double Threshold)
{
    /// <summary>The mean TCAV score over the runs.</summary>
    public double Mean => Scores.Average();

    /// <summary>The mean score of random against random.</summary>
    public double RandomMean => RandomScores.Average();

    /// <summary>Whether the concept's scores differ from chance: p below the Bonferroni-corrected threshold.</summary>
    public bool Significant => PValue < Threshold;
}
