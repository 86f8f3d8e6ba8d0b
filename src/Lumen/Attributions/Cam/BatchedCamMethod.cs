using Lumen.Models;

namespace Lumen.Attributions.Cam;

/// <summary>
/// A CAM method that runs perturbed copies of each image (masked or ablated) through the model in chunks of
/// <see cref="BatchSize"/>, such as Score-CAM and Ablation-CAM.
/// </summary>
public abstract class BatchedCamMethod : CamMethod
{
    /// <summary>Creates the method; <paramref name="batchSize"/> must be at least 1.</summary>
    protected BatchedCamMethod(ExplainableModel model, CamOptions options, int batchSize) : base(model, options)
    {
        BatchSize = TargetScoring.RequireBatchSize(Name, batchSize);
    }

    /// <summary>How many perturbed inputs go through the model in one forward pass.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings =>
        new Dictionary<string, string>(base.Settings) { ["batch-size"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
