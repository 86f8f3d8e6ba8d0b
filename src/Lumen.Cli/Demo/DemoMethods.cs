using Lumen.Attributions;
using Lumen.Models;

namespace Lumen.Cli.Demo;

/// <summary>
/// The explanation methods the demo compares (the families compared by Montavon, Samek and Müller 2018, "Methods for interpreting and
/// understanding deep neural networks": gradient, gradient × input, guided backprop, Grad-CAM, Guided Grad-CAM, occlusion,
/// LRP, LIME, and more), with the settings that suit 28x28 images.
/// A method that is not in <see cref="MethodCatalog"/> is simply left out.
/// </summary>
internal static class DemoMethods
{
    /// <summary>The layer of the layer methods: the second block's activations, 14x14.</summary>
    public const string Layer = "relu2";

    private static readonly (string Name, Dictionary<string, string> Parameters)[] Wanted =
    [
        ("saliency-abs", []),
        ("gradient-x-input", []),
        ("integrated-gradients", []),
        ("guided-backprop", []),
        ("gradcam", []),
        ("guided-gradcam", []),
        ("occlusion", new() { ["window"] = "4", ["stride"] = "2" }),
        ("lrp", []),
        ("lime", []),
        ("kernel-shap", []),
        ("rise", new() { ["masks"] = "1000" }),
        ("learned-mask", new() { ["iterations"] = "150" }),
    ];

    /// <summary>The names of the wanted methods that the catalog has, in the demo's order.</summary>
    public static IReadOnlyList<string> Available =>
        [.. Wanted.Where(w => MethodCatalog.All.Any(m => m.Name == w.Name)).Select(w => w.Name)];

    /// <summary>Builds the available methods for <paramref name="model"/>.</summary>
    public static List<IAttributionMethod> Build(ExplainableModel model) => [.. Available.Select(name => Build(model, name))];

    /// <summary>Builds the wanted method <paramref name="name"/> for <paramref name="model"/>, with the demo's settings for it.</summary>
    public static IAttributionMethod Build(ExplainableModel model, string name) =>
        MethodCatalog.Find(name).Build(model, new MethodOptions(Layer, Wanted.Single(w => w.Name == name).Parameters));
}
