using static TorchSharp.torch;

namespace Lumen.Evaluation;

/// <summary>The settings of every metric of an evaluation. Each default is declared here once.</summary>
public sealed record EvaluationSettings
{
    /// <summary>How the faithfulness curves perturb and score the images (also the replacement and batch size of
    /// faithfulness correlation and the scored output of ROAD).</summary>
    public FaithfulnessOptions Faithfulness { get; init; } = new();

    /// <summary>The seed of every random draw: randomized parameters, sensitivity and infidelity noise, correlation
    /// subsets, ROAD noise and the random-logit class.</summary>
    public int Seed { get; init; }

    /// <summary>The half-width of the uniform noise of the sensitivity metrics, in model-input units (Captum's 0.02).</summary>
    public double SensitivityRadius { get; init; } = 0.02;

    /// <summary>The number of noisy copies per image of the sensitivity metrics (Captum's 10).</summary>
    public int SensitivitySamples { get; init; } = 10;

    /// <summary>The standard deviation of the Gaussian input noise of the local Lipschitz estimate, in model-input units
    /// (Quantus's 0.1).</summary>
    public double LipschitzNoise { get; init; } = 0.1;

    /// <summary>The number of random subsets per image of faithfulness correlation (Quantus's 100).</summary>
    public int CorrelationRuns { get; init; } = 100;

    /// <summary>The pixels per random subset of faithfulness correlation; null for one image row (Quantus's 224 on
    /// 224-pixel images).</summary>
    public int? CorrelationSubset { get; init; }

    /// <summary>The number of perturbations per image of infidelity (Captum's 10).</summary>
    public int InfidelitySamples { get; init; } = 10;

    /// <summary>The standard deviation of infidelity's Gaussian perturbations in model-input units (Captum's example 0.003).</summary>
    public double InfidelityNoise { get; init; } = 0.003;

    /// <summary>The percentages of pixels ROAD removes (Rong et al.'s 10 % to 90 %).</summary>
    public IReadOnlyList<int> RoadPercentages { get; init; } = new[] { 10, 20, 30, 40, 50, 60, 70, 80, 90 };

    /// <summary>The standard deviation of the noise ROAD adds to imputed pixels (Rong et al.'s 0.01).</summary>
    public double RoadNoise { get; init; } = 0.01;

    /// <summary>The region the localisation metrics look for: a boolean mask [H, W] for every image or [N, H, W] one per
    /// image (borrowed: the caller keeps and disposes it), or null when none is known.</summary>
    public Tensor? Region { get; init; }

    /// <summary>The K of top-k intersection; null for 2 % of the pixels (Quantus's 1,000 of 224 x 224).</summary>
    public int? TopK { get; init; }

    /// <summary>The constant added to every input element by input invariance (Quantus's −1).</summary>
    public double InputShift { get; init; } = -1;
}
