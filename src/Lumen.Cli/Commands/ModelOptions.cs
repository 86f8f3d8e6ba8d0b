using System.CommandLine;
using Lumen.Models;
using Lumen.Onnx;

namespace Lumen.Cli.Commands;

/// <summary>The options that choose a model, shared by every command that runs one.</summary>
public sealed class ModelOptions
{
    /// <summary>--model NAME.</summary>
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "the architecture, e.g. fmnist-cnn or resnet18 (see 'lumen models'), or an ONNX file (model.onnx)",
        Required = true,
    };

    /// <summary>--weights FILE.</summary>
    public Option<string?> Weights { get; } = new("--weights", "-w")
    {
        Description = "weights: a PyTorch state_dict as .safetensors or .pt, or a TorchSharp weights file (default: random initialisation)",
    };

    /// <summary>--classes N.</summary>
    public Option<int?> Classes { get; } = new("--classes")
    {
        Description = "number of classes of the model (default: read from the weights, else the architecture's default)",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Model);
        command.Add(Weights);
        command.Add(Classes);
    }

    /// <summary>Builds and loads the chosen model.</summary>
    public ExplainableModel Load(ParseResult parsed)
    {
        string model = parsed.GetRequiredValue(Model);
        if (!OnnxImporter.IsOnnxPath(model))
            return ModelCatalog.Load(model, parsed.GetValue(Weights), parsed.GetValue(Classes));
        if (parsed.GetValue(Weights) is not null)
            throw LumenException.Usage("--weights does not apply to an ONNX model: its weights are inside the .onnx file (and its external data)");
        var loaded = OnnxImporter.Load(model);
        if (parsed.GetValue(Classes) is int classes && classes != loaded.ClassCount)
        {
            int found = loaded.ClassCount;
            loaded.Dispose();
            throw LumenException.Usage($"--classes {classes} does not match the ONNX model, which returns {found} classes");
        }
        return loaded;
    }
}
