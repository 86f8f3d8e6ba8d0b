using System.CommandLine;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen layers</c>: lists a model's layers with their types and output shapes.</summary>
public static class LayersCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console, DeviceOption device)
    {
        var command = new Command("layers", "List a model's layers with type and output shape (the names --layer accepts).");
        var modelOptions = new ModelOptions(device, console);
        modelOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            using var model = modelOptions.Load(parsed);
            var layers = model.DescribeLayers();
            int width = Math.Max(5, layers.Max(layer => layer.Name.Length));
            int typeWidth = Math.Max(4, layers.Max(layer => layer.Type.Length));
            // Models read from a file that names its layers (ONNX) get a column with those names, which --layer also takes.
            bool sources = layers.Any(layer => layer.SourceName is not null);
            int shapeWidth = Math.Max(18, layers.Max(layer => layer.ShapeText.Length));
            string Row(string name, string type, string shape, string? source) =>
                sources ? $"{name.PadRight(width)}  {type.PadRight(typeWidth)}  {shape.PadRight(shapeWidth)}  {source}".TrimEnd() : $"{name.PadRight(width)}  {type.PadRight(typeWidth)}  {shape}";
            console.Out.WriteLine(Row("layer", "type", "output (one image)", "in the file (node -> output)"));
            console.Out.WriteLine(Row("(input)", "", $"[{string.Join(", ", model.InputShape)}]", null));
            foreach (var layer in layers)
                console.Out.WriteLine(Row(layer.Name, layer.Type, layer.ShapeText, layer.SourceName));
            console.Out.WriteLine(model.OutputReading);
            return LumenCli.Success;
        });
        return command;
    }
}
