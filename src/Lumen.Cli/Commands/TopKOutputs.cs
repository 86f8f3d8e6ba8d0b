using Lumen.IO;
using Lumen.Imaging;
using Lumen.Understanding;

namespace Lumen.Cli.Commands;

/// <summary>The files of a top-K run (<c>topk.json</c>, <c>topk.csv</c>, <c>topk.png</c>) and its summary lines, shared by <c>top-k</c> and <c>merge</c>.</summary>
internal static class TopKOutputs
{
    /// <summary>
    /// Renders the montage, then writes the three files (each atomically) and prints each unit's top examples, class
    /// units with their names from <paramref name="classNames"/> (the model's, or null).
    /// </summary>
    public static void Write(string folder, TopKResult result, string model, ExampleCatalog examples, CliConsole console, IReadOnlyList<string>? classNames = null)
    {
        string title = $"Top and bottom {result.K} of {examples.Description} for {model}";
        var montage = TopKFiles.Montage(result, examples, title);
        using (var staged = StagedOutput.Open(folder))
        {
            TopKFiles.WriteJson(staged.PathFor("topk.json"), result, model, examples);
            TopKFiles.WriteCsv(staged.PathFor("topk.csv"), result, examples);
            montage.SavePng(staged.PathFor("topk.png"));
            staged.Commit();
        }
        foreach (var ranking in result.Rankings)
        {
            string unit = ranking.Unit.IsClass && classNames is not null ? $"{ranking.Unit.Name} ({ranking.Unit.DescribeWith(classNames)})" : ranking.Unit.Name;
            console.Out.WriteLine($"{unit}: top {string.Join(", ", ranking.Top.Select(e => $"#{e.Index} ({e.Score:G4})"))}");
        }
        console.Out.WriteLine($"wrote {Path.Combine(folder, "topk.json")}, topk.csv and topk.png");
    }
}
