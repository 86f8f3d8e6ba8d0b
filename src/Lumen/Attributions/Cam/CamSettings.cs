using Lumen.Imaging;

namespace Lumen.Attributions.Cam;

/// <summary>
/// The command-line settings of the CAM family and how they become <see cref="CamOptions"/>: <c>--layer a,b</c>
/// names one or more layers; <c>relu</c> applies to every variant; <c>combine</c>, <c>normalize</c> and
/// <c>upsampling</c> only when several layers are given (with one layer the written map is the raw one).
/// </summary>
public static class CamSettings
{
    /// <summary>The settings every CAM method has.</summary>
    public static IReadOnlyList<MethodSetting> Shared { get; } = new[]
    {
        new MethodSetting("relu", "true", "set negative map values to zero (the paper's definition); false gives the raw map"),
        new MethodSetting("combine", "mean", "with several layers (--layer a,b): merge their maps by mean or max at the input's size"),
        new MethodSetting("normalize", "true", "with several layers: min-max scale each layer's map per image before merging"),
        new MethodSetting("upsampling", "bilinear", "with several layers: enlarge each layer's map by nearest, bilinear or bicubic"),
    };

    /// <summary>The shared settings plus <c>batch-size</c> for the methods that run many forward passes.</summary>
    public static IReadOnlyList<MethodSetting> WithBatchSize(int fallback) => Shared
        .Append(new MethodSetting("batch-size", fallback.ToString(System.Globalization.CultureInfo.InvariantCulture), "modified inputs per forward pass (memory against speed)"))
        .ToList();

    /// <summary>
    /// The CAM options for <paramref name="method"/>: the comma-separated <c>--layer</c> list and the settings; the
    /// multi-layer settings with a single layer are a usage error, since they would change nothing.
    /// </summary>
    public static CamOptions Parse(MethodOptions options, string method)
    {
        string[] layers = options.RequireLayer(method).Split(',', StringSplitOptions.TrimEntries);
        if (layers.Length == 1)
        {
            string? unused = new[] { "combine", "normalize", "upsampling" }.FirstOrDefault(options.Parameters.ContainsKey);
            if (unused is not null)
                throw LumenException.Usage($"--param {unused} only applies when --layer names several layers (e.g. --layer {layers[0]},OTHER); the map of one layer is written raw");
        }
        return new CamOptions(layers)
        {
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
