using System.CommandLine;
using Lumen.Models;
using Lumen.Onnx;

namespace Lumen.Cli.Commands;

/// <summary>The options that choose a model, shared by every command that runs one.</summary>
public sealed class ModelOptions
{
    private readonly DeviceOption device;
    private readonly CliConsole console;
    private bool labelsAdded = true;

    /// <summary>
    /// Creates the options; the loaded model goes to the device that <paramref name="device"/> gives, and a weights
    /// download draws its progress on <paramref name="console"/>'s error stream.
    /// </summary>
    public ModelOptions(DeviceOption device, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(console);
        this.device = device;
        this.console = console;
    }

    /// <summary>--model NAME.</summary>
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "the architecture, e.g. fmnist-cnn or resnet18 (see 'lumen models'), or an ONNX file (model.onnx)",
        Required = true,
    };

    /// <summary>--weights FILE.</summary>
    public Option<string?> Weights { get; } = new("--weights", "-w")
    {
        Description = "weights: a PyTorch state_dict as .safetensors or .pt, a TorchSharp weights file, or TorchVision's published ImageNet weights by name: 'imagenet' (the architecture's default) or torchvision:ARCH.NAME, e.g. torchvision:resnet50.IMAGENET1K_V2 (downloaded once into the cache; see 'lumen models') (default: random initialisation)",
    };

    /// <summary>--classes N.</summary>
    public Option<int?> Classes { get; } = new("--classes")
    {
        Description = "number of classes of the model (default: read from the weights, else the architecture's default)",
    };

    /// <summary>--labels FILE.</summary>
    public Option<string?> Labels { get; } = new("--labels")
    {
        Description = "class names: a text file with one name per line, or a JSON list of strings, one per class of the model (default: the ONNX sidecar's labels, ImageNet's names for the ImageNet architectures with 1000 classes, Fashion-MNIST's for the fmnist models)",
    };

    /// <summary>--mean M1,M2,M3 (ONNX models).</summary>
    public Option<string?> Mean { get; } = new("--mean")
    {
        Description = "ONNX models: per-channel mean subtracted from [0, 1] pixels, comma-separated (default: the model's .onnx.json sidecar, else none)",
    };

    /// <summary>--std S1,S2,S3 (ONNX models).</summary>
    public Option<string?> Std { get; } = new("--std")
    {
        Description = "ONNX models: per-channel standard deviation, comma-separated (default: the sidecar, else none)",
    };

    /// <summary>--size H,W (ONNX models).</summary>
    public Option<string?> Size { get; } = new("--size")
    {
        Description = "ONNX models: input size H,W or one number, needed when the graph leaves it open (default: the graph, else the sidecar)",
    };

    /// <summary>
    /// Adds the options to <paramref name="command"/>; without <paramref name="withLabels"/> there is no
    /// <c>--labels</c> (for <c>lumen embed</c>, whose <c>--labels</c> are the class ids of its points).
    /// </summary>
    public void AddTo(Command command, bool withLabels = true)
    {
        command.Add(Model);
        command.Add(Weights);
        command.Add(Classes);
        if (withLabels) command.Add(Labels);
        labelsAdded = withLabels;
        command.Add(Mean);
        command.Add(Std);
        command.Add(Size);
    }

    /// <summary>
    /// Builds and loads the chosen model and moves it to the <c>--device</c> given. An ONNX file is imported; when its
    /// graph is outside the importer's coverage and <paramref name="methods"/> are all perturbation methods, it runs on
    /// ONNX Runtime instead (CPU only), and a notice saying so goes to <paramref name="notices"/> (no fallback when
    /// either is null).
    /// </summary>
    public ExplainableModel Load(ParseResult parsed, IReadOnlyList<string>? methods = null, TextWriter? notices = null)
    {
        string model = parsed.GetRequiredValue(Model);
        bool preprocessingGiven = parsed.GetValue(Mean) is not null || parsed.GetValue(Std) is not null || parsed.GetValue(Size) is not null;
        if (!OnnxImporter.IsOnnxPath(model))
        {
            if (preprocessingGiven) throw LumenException.Usage("--mean, --std and --size apply to ONNX models only; built-in models know their preprocessing");
            return MoveTo(ModelCatalog.Load(model, parsed.GetValue(Weights), parsed.GetValue(Classes), new DownloadProgressLine(console), console.Cancellation), parsed);
        }
        if (parsed.GetValue(Weights) is not null)
            throw LumenException.Usage("--weights does not apply to an ONNX model: its weights are inside the .onnx file (and its external data)");
        var sidecar = OnnxSidecar.ReadFor(model).With(new OnnxSidecar
        {
            Mean = Numbers(parsed.GetValue(Mean), "--mean"),
            Std = Numbers(parsed.GetValue(Std), "--std"),
            Size = SizeOf(parsed.GetValue(Size)),
        });
        var options = sidecar.ToImportOptions(OnnxImporter.DescribeInput(model).Shape);
        ExplainableModel loaded;
        try
        {
            loaded = OnnxImporter.Load(model, options);
        }
        catch (UnsupportedGraphException error) when (methods is not null && notices is not null)
        {
            var needModule = methods.Where(m => !OnnxRuntimeModule.BlackBoxMethods.Contains(m)).ToList();
            if (needModule.Count > 0)
                throw LumenException.Model($"{error.Message}; so {string.Join(", ", needModule)} cannot run on {model} (on ONNX Runtime only {string.Join(", ", OnnxRuntimeModule.BlackBoxMethods)} can)");
            if (device.Resolve(parsed) is { IsCpu: false } elsewhere)
                throw LumenException.Usage($"{error.Message}; the ONNX Runtime fallback runs on the CPU only, not on --device {elsewhere}; use --device cpu");
            notices.WriteLine($"lumen: {error.Message}; running {model} on ONNX Runtime as a black box (perturbation methods only)");
            loaded = OnnxBlackBox.Load(model, options);
        }
        try
        {
            loaded.To(device.Resolve(parsed));
            CheckClasses(loaded, parsed.GetValue(Classes), labelsAdded && parsed.GetValue(Labels) is not null ? null : sidecar.Labels);
            return Named(loaded, parsed);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>Names the classes of <paramref name="loaded"/> from <c>--labels</c> when given (over any sidecar or built-in names).</summary>
    private ExplainableModel Named(ExplainableModel loaded, ParseResult parsed)
    {
        if (labelsAdded && parsed.GetValue(Labels) is { } path) loaded.UseClassLabels(ClassNamesFile.Read(path), $"--labels {path}");
        return loaded;
    }

    private ExplainableModel MoveTo(ExplainableModel loaded, ParseResult parsed)
    {
        try
        {
            return Named(loaded.To(device.Resolve(parsed)), parsed);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    private static void CheckClasses(ExplainableModel model, int? classes, string[]? labels)
    {
        long found;
        using (var scope = TorchSharp.torch.NewDisposeScope())
        using (var noGrad = TorchSharp.torch.no_grad())
        {
            found = model.Forward(TorchSharp.torch.zeros(model.InputShapeWithBatch(1), device: model.Device.Torch)).shape[1];
        }
        if (classes is int given && given != found)
            throw LumenException.Usage($"--classes {given} does not match the ONNX model, which returns {found} classes");
        if (labels is not null && labels.Length != found)
            throw LumenException.Usage($"the sidecar lists {labels.Length} labels, but the ONNX model returns {found} classes");
    }

    private static float[]? Numbers(string? text, string option)
    {
        if (text is null) return null;
        var values = new List<float>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!float.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                throw LumenException.Usage($"{option} {text}: expected numbers separated by commas, one per channel");
            values.Add(value);
        }
        return values.ToArray();
    }

    private static int[]? SizeOf(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new List<int>();
        foreach (string part in parts)
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size) || size <= 0)
                throw LumenException.Usage($"--size {text}: expected H,W or one number of pixels");
            sizes.Add(size);
        }
        if (sizes.Count == 1) sizes.Add(sizes[0]);
        if (sizes.Count != 2) throw LumenException.Usage($"--size {text}: expected H,W or one number of pixels");
        return sizes.ToArray();
    }
}
