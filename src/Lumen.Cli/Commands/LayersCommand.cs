using System.CommandLine;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen layers</c>: lists a model's layers with their types and output shapes.</summary>
public static class LayersCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("layers", "List a model's layers with type and output shape (the names --layer accepts).");
        var modelOptions = new ModelOptions(device);
        modelOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            using var model = modelOptions.Load(parsed);
            var layers = model.DescribeLayers();
            int width = Math.Max(5, layers.Max(layer => layer.Name.Length));
            int typeWidth = Math.Max(4, layers.Max(layer => layer.Type.Length));
            console.Out.WriteLine($"{"layer".PadRight(width)}  {"type".PadRight(typeWidth)}  output (one image)");
            console.Out.WriteLine($"{"(input)".PadRight(width)}  {"".PadRight(typeWidth)}  [{string.Join(", ", model.InputShape)}]");
            foreach (var layer in layers)
                console.Out.WriteLine($"{layer.Name.PadRight(width)}  {layer.Type.PadRight(typeWidth)}  {layer.ShapeText}");
            return LumenCli.Success;
        });
        return command;
    }
}
