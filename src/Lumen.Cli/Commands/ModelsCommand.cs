using System.CommandLine;
using Lumen.Models;
using Lumen.Models.Weights;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen models</c>: lists the built-in architectures.</summary>
public static class ModelsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("models", "List the built-in architectures, the input each expects, and TorchVision's published weights for it (--weights NAME).");
        command.SetAction(_ =>
        {
            int width = ModelCatalog.All.Max(model => model.Name.Length);
            static string Shape(ModelDefinition model) => $"[{string.Join(", ", model.InputShape)}]";
            int shapeWidth = ModelCatalog.All.Max(model => Shape(model).Length);
            foreach (var model in ModelCatalog.All)
            {
                console.Out.WriteLine($"{model.Name.PadRight(width)}  {Shape(model).PadRight(shapeWidth)}  {model.Description}");
                var weights = PretrainedWeights.For(model.Name);
                if (weights.Count > 0)
                    console.Out.WriteLine($"{new string(' ', width + shapeWidth + 4)}weights: {string.Join(", ", weights.Select(w => w.FullName + (w.IsDefault ? $" (= {PretrainedWeights.DefaultAlias})" : "")))}");
            }
            return LumenCli.Success;
        });
        return command;
    }
}
