using Xunit;

namespace Lumen.Tests.Docs;

/// <summary><c>docs/cli.md</c> is exactly what the commands' <c>--help</c> print today.</summary>
public sealed class CliReferenceTests
{
    [Fact]
    public void RootHelpListsTheCommands()
    {
        string text = CliReference.Generate();
        Assert.Contains("## `lumen explain`", text, StringComparison.Ordinal);
        Assert.Contains("## `lumen demo`", text, StringComparison.Ordinal);
        Assert.Contains("## `lumen merge`", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CliReferenceIsUpToDate()
    {
        string path = Path.Combine(RepositoryRoot.Path, CliReference.RelativePath);
        string expected = CliReference.Generate();
        if (Environment.GetEnvironmentVariable("LUMEN_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        string actual = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n") : "";
        Assert.True(actual == expected,
            $"{CliReference.RelativePath} is out of date with the commands' --help; regenerate it with:\n  {CliReference.RegenerateCommand}");
    }
}
