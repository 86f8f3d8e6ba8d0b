using System.Text;
using System.Text.RegularExpressions;
using Lumen.Cli;

namespace Lumen.Tests.Docs;

/// <summary>
/// Writes <c>docs/cli.md</c> from the commands' own <c>--help</c>: the root command's help, then every command listed
/// under its "Commands:" heading, in that order.
/// </summary>
internal static partial class CliReference
{
    /// <summary>The command that rewrites <c>docs/cli.md</c> from the current help texts.</summary>
    public const string RegenerateCommand =
        "LUMEN_UPDATE_DOCS=1 dotnet test tests/Lumen.Tests --filter FullyQualifiedName~CliReferenceTests";

    public static string RelativePath => System.IO.Path.Combine("docs", "cli.md");

    /// <summary>The command names the root help lists, in its order.</summary>
    public static IReadOnlyList<string> Commands(string rootHelp)
    {
        var names = new List<string>();
        bool inCommands = false;
        foreach (string line in rootHelp.Split('\n'))
        {
            string trimmedEnd = line.TrimEnd('\r');
            if (trimmedEnd == "Commands:") { inCommands = true; continue; }
            if (!inCommands) continue;
            if (trimmedEnd.Length == 0) break;
            if (trimmedEnd.StartsWith("  ", StringComparison.Ordinal) && !trimmedEnd.StartsWith("   ", StringComparison.Ordinal))
                names.Add(trimmedEnd.Trim().Split(' ')[0]);
        }
        return names;
    }

    /// <summary>The markdown of <c>docs/cli.md</c>.</summary>
    public static string Generate()
    {
        string root = Help();
        var text = new StringBuilder();
        text.Append("# The `lumen` command\n\n");
        text.Append("<!-- Generated from each command's --help by tests/Lumen.Tests/Docs/CliReference.cs; do not edit by hand. -->\n");
        text.Append("<!-- Regenerate: ").Append(RegenerateCommand).Append(" -->\n\n");
        text.Append("Every command's own `--help`, as `lumen <command> --help` prints it. Exit codes, output files and the ");
        text.Append("contract for scripts: [usage.md](usage.md).\n\n");
        IReadOnlyList<string> commands = Commands(root);
        foreach (string command in commands) text.Append($"- [`lumen {command}`](#lumen-{command})\n");
        text.Append("\n## `lumen`\n\n");
        AppendBlock(text, root);
        foreach (string command in commands)
        {
            text.Append($"\n## `lumen {command}`\n\n");
            AppendBlock(text, Help(command));
        }
        return text.ToString();
    }

    private static void AppendBlock(StringBuilder text, string help)
    {
        text.Append("```text\n").Append(help.Replace("\r\n", "\n").Trim('\n')).Append("\n```\n");
    }

    private static string Help(params string[] command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = LumenCli.Run([.. command, "--help"], output, error);
        if (code != LumenCli.Success || error.ToString().Length > 0)
            throw new InvalidOperationException($"lumen {string.Join(' ', command)} --help: exit code {code}, {error}");
        string[] lines = output.ToString().Replace("\r\n", "\n").Split('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            // The root command is named after the running process (the test host here); the installed tool is lumen.
            if (lines[i - 1] == "Usage:") lines[i] = UsageProgram().Replace(lines[i], "  lumen");
        }
        return string.Join('\n', lines.Select(line => line.TrimEnd()));
    }

    [GeneratedRegex(@"^  \S+")]
    private static partial Regex UsageProgram();
}
