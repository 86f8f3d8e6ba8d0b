namespace Lumen.Tests.Attributions;

/// <summary>
/// The extended reference outputs (fixtures/reference/extended, see its README.md): Captum 0.7.0 on the reference CNN's
/// four images for DeepLift, layer and neuron attribution, and the corrected DeepLift references.
/// </summary>
internal static class ExtendedReference
{
    public static string Attribution(string id) => Fixtures.Reference("extended", "attributions", "fmnist_cnn_0_3", id + ".npy");

    /// <summary>The eight DeepLift SHAP references: Fashion-MNIST training images 0..7, [8, 1, 28, 28].</summary>
    public static string DeepLiftShapBaselines => Fixtures.Reference("extended", "inputs", "fmnist_cnn_dls_baselines_train_0_7.npy");
}
