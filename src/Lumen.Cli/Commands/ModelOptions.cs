using System.CommandLine;
using Lumen.Models;

namespace Lumen.Cli.Commands;

/// <summary>The options that choose a model, shared by every command that runs one.</summary>
public sealed class ModelOptions
{
    /// <summary>--model NAME.</summary>
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "the architecture, e.g. fmnist-cnn or resnet18 (see 'lumen models')",
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
    public ExplainableModel Load(ParseResult parsed) =>
        ModelCatalog.Load(parsed.GetRequiredValue(Model), parsed.GetValue(Weights), parsed.GetValue(Classes));
}
