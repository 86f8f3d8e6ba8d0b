namespace Lumen.Tests;

/// <summary>Paths of the test fixtures copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string Reference(params string[] parts) => Path.Combine(new[] { Root, "reference" }.Concat(parts).ToArray());

    public static string FmnistWeights => Reference("models", "fmnist_cnn.safetensors");

    /// <summary>The .pt fixtures written by fixtures/weights/make_pt_fixtures.py (torch.save's zip format).</summary>
    public static string WeightsFolder => Path.Combine(Root, "weights");

    public static string FmnistInputs => Reference("inputs", "fmnist_cnn_inputs_0_3.npy");

    public static string FeatureMask => Reference("inputs", "fmnist_cnn_feature_mask_7x7.npy");

    public static string FmnistLogits => Reference("inputs", "fmnist_cnn_logits_0_3.npy");

    public static string Attribution(string id) => Reference("attributions", id + ".npy");

    /// <summary>The classes the references explain: the model's predictions for the four images.</summary>
    public static readonly int[] ReferenceTargets = { 7, 2, 1, 1 };
}
