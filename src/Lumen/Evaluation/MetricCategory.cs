namespace Lumen.Evaluation;

/// <summary>The six categories of metrics of Quantus (Hedström et al. 2023), each answering another question.</summary>
public enum MetricCategory
{
    /// <summary>Does the map rank the pixels the model relies on?</summary>
    Faithfulness,

    /// <summary>Does the map stay put when the input barely changes?</summary>
    Robustness,

    /// <summary>Does the map point at a region known to matter?</summary>
    Localisation,

    /// <summary>Is the map concise?</summary>
    Complexity,

    /// <summary>Does the map change when the model or the explained class does?</summary>
    Randomisation,

    /// <summary>Does the map satisfy an axiom (completeness, input invariance)?</summary>
    Axiomatic,
}
