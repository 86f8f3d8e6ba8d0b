using System.CommandLine;
using Lumen.Attributions;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen methods</c>: lists the attribution methods, with <c>--verbose</c> every setting and its default.</summary>
public static class MethodsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("methods", "List the attribution methods (with --verbose: every setting and its default).");
        command.SetAction(parsed =>
        {
            bool verbose = parsed.GetValue<bool>("--verbose");
            int width = MethodCatalog.All.Max(method => method.Name.Length);
            foreach (var method in MethodCatalog.All)
            {
                string layer = method.NeedsLayer ? " (needs --layer)" : method.UsesLayer ? " (--layer, default the last spatial layer)" : "";
                console.Out.WriteLine($"{method.Name.PadRight(width)}  {method.Family,-12} {method.Summary}{layer}");
                if (!verbose) continue;
                if (method.Settings.Count == 0) console.Out.WriteLine($"{"",-4}(no settings)");
                foreach (var setting in method.Settings)
                    console.Out.WriteLine($"{"",-4}--param {setting.Name}={setting.Default}  {(setting.Required ? "(required) " : "")}{setting.Description}");
            }
            return LumenCli.Success;
        });
        return command;
    }
}
