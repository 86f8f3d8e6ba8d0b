using Lumen.Imaging;
using Lumen.Models;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The command-line settings of the CAM family and how they become <see cref="CamOptions"/>: <c>--layer a,b</c>
/// names one or more layers; <c>relu</c> applies to every variant; <c>combine</c>, <c>normalize</c> and
/// <c>upsampling</c> only when several layers are given (with one layer the written map is the raw one).
/// </summary>
public static class CamSettings
{
    // Declared before Shared and Projection, which read them while the class initialises.
    /// <summary><c>eigen-smooth</c>: the first principal component of the channel terms instead of their sum.</summary>
    public static MethodSetting EigenSmooth { get; } = new("eigen-smooth", "false", "project the channel terms on their first principal direction instead of summing them (pytorch-grad-cam's eigen_smooth)");

    /// <summary><c>aug-smooth</c>: the mean over mirrored and intensity-scaled copies.</summary>
    public static MethodSetting AugSmooth { get; } = new("aug-smooth", "false", "average the map over the input mirrored or not and multiplied by 0.9, 1, 1.1 (pytorch-grad-cam's aug_smooth)");

    /// <summary>The settings every CAM method has except the projection ones (Eigen-CAM, Eigen-Grad-CAM).</summary>
    public static IReadOnlyList<MethodSetting> Shared { get; } = new[]
    {
        new MethodSetting("relu", "true", "set negative map values to zero (the paper's definition); false gives the raw map"),
        new MethodSetting("combine", "mean", "with several layers (--layer a,b): merge their maps by mean or max at the input's size"),
        new MethodSetting("normalize", "true", "with several layers: min-max scale each layer's map per image before merging"),
        new MethodSetting("upsampling", "bilinear", "with several layers: enlarge each layer's map by nearest, bilinear or bicubic"),
        EigenSmooth,
        AugSmooth,
    };

    /// <summary>The shared settings without <c>eigen-smooth</c>, for the methods that are a principal projection already.</summary>
    public static IReadOnlyList<MethodSetting> Projection { get; } = Shared.Where(setting => setting != EigenSmooth).ToList();

    /// <summary>The shared settings plus <c>batch-size</c> for the methods that run many forward passes.</summary>
    public static IReadOnlyList<MethodSetting> WithBatchSize(int fallback) => Shared
        .Append(new MethodSetting("batch-size", fallback.ToString(System.Globalization.CultureInfo.InvariantCulture), "modified inputs per forward pass (memory against speed)"))
        .ToList();

    /// <summary>
    /// The CAM options of <paramref name="model"/>: the comma-separated <c>--layer</c> list and the settings; the
    /// multi-layer settings with a single layer are a usage error, since they would change nothing. Without
    /// <c>--layer</c> the layer is <see cref="CamLayerChoice.LastSpatialLayer"/>'s choice.
    /// </summary>
    public static CamOptions Parse(ExplainableModel model, MethodOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool automatic = options.Layer is null;
        string[] layers = automatic
            ? new[] { CamLayerChoice.LastSpatialLayer(model) }
            : options.Layer!.Split(',', StringSplitOptions.TrimEntries);
        if (layers.Length == 1)
        {
            string? unused = new[] { "combine", "normalize", "upsampling" }.FirstOrDefault(options.Parameters.ContainsKey);
            if (unused is not null)
                throw LumenException.Usage($"--param {unused} only applies when --layer names several layers (e.g. --layer {layers[0]},OTHER); the map of one layer is written raw");
        }
        return new CamOptions(layers)
        {
            AutomaticLayer = automatic,
            EigenSmooth = options.GetBool("eigen-smooth", false),
            AugSmooth = options.GetBool("aug-smooth", false),
            Relu = options.GetBool("relu", true),
            Combine = options.GetChoice("combine", "mean", "mean", "max") == "max" ? CamCombination.Max : CamCombination.Mean,
            Normalize = options.GetBool("normalize", true),
            Upsampling = options.GetChoice("upsampling", "bilinear", "nearest", "bilinear", "bicubic") switch
            {
                "nearest" => Upsampling.Nearest,
                "bicubic" => Upsampling.Bicubic,
                _ => Upsampling.Bilinear,
            },
        };
    }
}
