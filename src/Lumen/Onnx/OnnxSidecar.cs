using System.Text.Json;
using Lumen.Imaging;

namespace Lumen.Onnx;

/// <summary>
/// What an ONNX file does not say about its input, stated next to it in <c>model.onnx.json</c> or on the command line:
/// <c>{"mean": [..], "std": [..], "size": [H, W] or N, "labels": [..]}</c>. Every field is optional.
/// </summary>
public sealed record OnnxSidecar
{
    /// <summary>The largest sidecar file read.</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Per-channel mean subtracted after scaling pixels to [0, 1].</summary>
    public float[]? Mean { get; init; }

    /// <summary>Per-channel standard deviation divided by after subtracting the mean.</summary>
    public float[]? Std { get; init; }

    /// <summary>The input size [H, W] (needed when the graph leaves it open).</summary>
    public int[]? Size { get; init; }

    /// <summary>One label per class.</summary>
    public string[]? Labels { get; init; }

    /// <summary>The sidecar path of <paramref name="modelPath"/>: the model's path with <c>.json</c> appended.</summary>
    public static string PathFor(string modelPath) => modelPath + ".json";

    /// <summary>Reads the sidecar of <paramref name="modelPath"/>, or an empty one when there is none.</summary>
    public static OnnxSidecar ReadFor(string modelPath)
    {
        string path = PathFor(modelPath);
        Lumen.IO.InputFile.RequireFile(path, "model sidecar", "model.onnx.json");
        if (!File.Exists(path)) return new OnnxSidecar();
        if (new FileInfo(path).Length > MaxBytes) throw LumenException.InputData($"'{path}' is larger than 1 MB; a model sidecar holds mean, std, size and labels only");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw LumenException.InputData($"'{path}' must hold a JSON object with mean, std, size or labels");
            var sidecar = new OnnxSidecar();
            foreach (var property in root.EnumerateObject())
            {
                sidecar = property.Name switch
                {
                    "mean" => sidecar with { Mean = property.Value.EnumerateArray().Select(v => v.GetSingle()).ToArray() },
                    "std" => sidecar with { Std = property.Value.EnumerateArray().Select(v => v.GetSingle()).ToArray() },
                    "size" => sidecar with
                    {
                        Size = property.Value.ValueKind == JsonValueKind.Number
                            ? new[] { property.Value.GetInt32(), property.Value.GetInt32() }
                            : property.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray(),
                    },
                    "labels" => sidecar with { Labels = property.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray() },
                    _ => throw LumenException.InputData($"'{path}' has an unknown field '{property.Name}'; expected mean, std, size, labels"),
                };
            }
            return sidecar;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            throw LumenException.InputData($"'{path}' is not a valid model sidecar ({error.Message.Split('\n')[0]}); expected {{\"mean\": [..], \"std\": [..], \"size\": [H, W], \"labels\": [..]}}");
        }
    }

    /// <summary>This sidecar with the fields of <paramref name="overrides"/> that are set taking precedence.</summary>
    public OnnxSidecar With(OnnxSidecar overrides) => new()
    {
        Mean = overrides.Mean ?? Mean,
        Std = overrides.Std ?? Std,
        Size = overrides.Size ?? Size,
        Labels = overrides.Labels ?? Labels,
    };

    /// <summary>
    /// Import options for a graph whose input is declared as <paramref name="declared"/> [C, H, W] (null for open
    /// sizes): the size from here or the graph, the channels from the graph (else the mean's length, else 3),
    /// and preprocessing that resizes and centre-crops to the size, then normalizes with mean and std.
    /// </summary>
    public OnnxImportOptions ToImportOptions(long?[] declared)
    {
        if (Size is not null && (Size.Length != 2 || Size.Any(s => s <= 0)))
            throw LumenException.Usage($"the input size must be H,W or one number with positive sizes, got {string.Join(",", Size)}");
        long channels = declared[0] ?? Mean?.Length ?? Std?.Length ?? 3;
        if (channels is not (1 or 3))
            throw LumenException.Usage($"the ONNX model takes {channels} channels; Lumen feeds grey (1) or RGB (3) images");
        foreach (var (values, name) in new[] { (Mean, "mean"), (Std, "std") })
        {
            if (values is not null && values.Length != channels)
                throw LumenException.Usage($"--{name} has {values.Length} values, but the model takes {channels} channels");
        }
        if (Std is not null && Std.Any(s => !(s > 0))) throw LumenException.Usage("--std values must be positive");
        long height = Size?[0] ?? declared[1] ?? 0;
        long width = Size?[1] ?? declared[2] ?? 0;
        if (height <= 0 || width <= 0)
            throw LumenException.Usage("the ONNX graph leaves the input size open; state it with --size H,W or \"size\" in the model's .json sidecar");
        long[] shape = { channels, height, width };
        return new OnnxImportOptions
        {
            InputShape = shape,
            ClassLabels = Labels,
            Preprocessing = new ImagePreprocessing
            {
                ColorMode = channels == 1 ? ColorMode.Grey : ColorMode.Rgb,
                Resize = (int)Math.Min(height, width),
                CenterCrop = new CropSize((int)height, (int)width),
                Mean = Mean,
                Std = Std,
            },
        };
    }
}
