using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Concepts;

/// <summary>
/// Testing with Concept Activation Vectors (Kim et al. 2018, "Interpretability beyond feature attribution"): does a
/// human concept, given by example images, drive a class? For each run r = 1 … R a linear classifier separates the
/// layer's activations of the concept images from those of random set r; its unit normal v_r is the concept
/// activation vector (<see cref="LinearConceptClassifier"/>). The TCAV score is the share of the class's images x
/// whose directional derivative ∇_a f_k(a(x)) · v_r is positive. The same is done with random set 0 in place of the
/// concept, which gives the scores chance produces; a two-sided t-test of the R concept scores against the R random
/// ones, with the Bonferroni correction over the hypotheses tested, says whether the concept is significant.
/// </summary>
public static class Tcav
{
    /// <summary>Tests every concept of <paramref name="concepts"/> for class <paramref name="classIndex"/> at <paramref name="layer"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The layer whose activations the concepts are read in.</param>
    /// <param name="classInputs">Model-ready images of the class [N, C, H, W].</param>
    /// <param name="classIndex">The class.</param>
    /// <param name="concepts">The concepts.</param>
    /// <param name="randomSets">At least three random image sets: set 0 stands in for a concept, sets 1 … R are the counterparts.</param>
    /// <param name="options">Significance level, seed, batch size and classifier settings.</param>
    public static IReadOnlyList<TcavResult> Run(ExplainableModel model, string layer, Tensor classInputs, int classIndex,
        IReadOnlyList<ConceptSet> concepts, IReadOnlyList<Tensor> randomSets, TcavOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classInputs);
        ArgumentNullException.ThrowIfNull(concepts);
        ArgumentNullException.ThrowIfNull(randomSets);
        ArgumentNullException.ThrowIfNull(options);
        if (concepts.Count == 0) throw LumenException.Usage("no concept given: TCAV needs at least one concept image set");
        if (randomSets.Count < 3) throw LumenException.Usage($"{randomSets.Count} random sets: TCAV needs at least 3 (one stands in for a concept, the others are counterparts)");
        if (classInputs.shape[0] < 1) throw LumenException.Usage("no image of the class: TCAV needs images of the class to differentiate");
        if (!(options.Alpha > 0 && options.Alpha < 1)) throw LumenException.Usage($"--alpha {options.Alpha}: expected a significance level above 0 and below 1");
        int hypotheses = options.Hypotheses ?? concepts.Count;
        if (hypotheses < 1) throw LumenException.Usage($"{hypotheses} hypotheses: expected at least 1");
        using var scope = NewDisposeScope();
        Tensor gradients = LayerResponses.ClassGradients(model, layer, classInputs, classIndex, options.BatchSize);
        var randomActivations = randomSets.Select(set => LayerResponses.Activations(model, layer, set, options.BatchSize)).ToList();
        int runs = randomSets.Count - 1;
        var (randomScores, _) = Scores(randomActivations[0], randomActivations, gradients, options, runs);
        var results = new List<TcavResult>();
        foreach (var concept in concepts)
        {
            Tensor activations = LayerResponses.Activations(model, layer, concept.Inputs, options.BatchSize);
            var (scores, accuracies) = Scores(activations, randomActivations, gradients, options, runs);
            var (t, p) = StudentTTest.TwoSided(scores, randomScores);
            results.Add(new TcavResult(concept.Name, classIndex, layer, scores, randomScores, accuracies, t, p, options.Alpha / hypotheses));
        }
        return results;
    }

    /// <summary>The share of rows of <paramref name="gradients"/> [N, D] with a positive dot product with <paramref name="direction"/> [D].</summary>
    public static double Score(Tensor gradients, Tensor direction)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(direction);
        using var scope = NewDisposeScope();
        return gradients.to_type(ScalarType.Float64).matmul(direction.to_type(ScalarType.Float64)).gt(0).to_type(ScalarType.Float64).mean().item<double>();
    }

    private static (double[] Scores, double[] Accuracies) Scores(Tensor concept, IReadOnlyList<Tensor> randomActivations, Tensor gradients, TcavOptions options, int runs)
    {
        var scores = new double[runs];
        var accuracies = new double[runs];
        for (int run = 1; run <= runs; run++)
        {
            using var cav = LinearConceptClassifier.Train(concept, randomActivations[run], options.Classifier, unchecked(options.Seed + run));
            scores[run - 1] = Score(gradients, cav.Direction);
            accuracies[run - 1] = cav.Accuracy;
        }
        return (scores, accuracies);
    }
}
