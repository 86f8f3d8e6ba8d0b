using System.Text.Json;
using Lumen.Imaging;
using Lumen.Models;
using Lumen.Models.Architectures;
using Lumen.Tests.Onnx;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// Class names: <c>--labels FILE</c> (text or JSON) on built-in and ONNX models, its count checked against the model's
/// outputs, over an ONNX sidecar's labels; ImageNet's names built in for the ImageNet architectures.
/// </summary>
public sealed class ClassLabelsTests
{
    private static readonly string[] Names = Enumerable.Range(0, 10).Select(i => $"kind {i}").ToArray();

    private static CliRunner.Result Explain(string output, params string[] arguments) =>
        CliRunner.Run(new[] { "explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "saliency", "--out", output }.Concat(arguments).ToArray());

    private static string[] PredictedLabels(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("predicted_label").GetString()!).ToArray();

    private static long[] Predicted(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("predicted").GetInt64()).ToArray();

    [Fact]
    public void ATextFileNamesTheClassesInTheSummaryAndTheJson()
    {
        using var folder = new TempDirectory();
        string labels = folder.File("names.txt");
        File.WriteAllText(labels, string.Join("\r\n", Names.Select((n, i) => i == 1 ? "trouser\u001b[31m" : n)) + "\r\n");
        var text = Explain(folder.File("text"), "--labels", labels);
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("predicted trouser?[31m (class 1, p = ", text.Output);
        var json = Explain(folder.File("json"), "--labels", labels, "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var predicted = Predicted(json.Output);
        Assert.Equal(predicted.Select(c => c == 1 ? "trouser\u001b[31m" : Names[c]), PredictedLabels(json.Output));
    }

    [Fact]
    public void AJsonListNamesTheClasses()
    {
        using var folder = new TempDirectory();
        string labels = folder.File("names.json");
        File.WriteAllText(labels, JsonSerializer.Serialize(Names));
        var json = Explain(folder.File("out"), "--labels", labels, "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.Equal(Predicted(json.Output).Select(c => Names[c]), PredictedLabels(json.Output));
    }

    [Theory]
    [InlineData("a\nb\nc\n", 2, "lists 3 class names, but the model fmnist-cnn returns 10 classes")]
    [InlineData("[\"a\", 2]", 3, "must be a JSON list of strings")]
    [InlineData("[\"a\"", 3, "are not valid JSON")]
    [InlineData("", 3, "list no names")]
    public void WrongLabelFilesFailWithOneLine(string content, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        string labels = folder.File("names.txt");
        File.WriteAllText(labels, content);
        var result = Explain(folder.File("out"), "--labels", labels);
        Assert.Equal(exitCode, result.ExitCode);
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void LabelsOverrideAnOnnxSidecarsLabelsEvenOfTheWrongCount()
    {
        using var folder = new TempDirectory();
        string model = folder.File("mnist.onnx");
        File.Copy(MnistImportTests.MnistPath, model);
        File.Copy(MnistImportTests.MnistPath + ".data", folder.File("mnist.onnx.data"));
        File.WriteAllText(model + ".json", """{"labels": ["zero","one","two","three","four","five","six","seven","eight","nine"]}""");
        string labels = folder.File("names.txt");
        File.WriteAllLines(labels, Names);
        string[] Run(string output, params string[] extra)
        {
            var result = CliRunner.Run(new[] { "explain", "--model", model, "--input", Fixtures.FmnistInputs, "--method", "saliency", "--out", output, "--json" }
                .Concat(extra).ToArray());
            Assert.True(result.ExitCode == 0, result.Error);
            return PredictedLabels(result.Output);
        }
        string[] english = { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" };
        Assert.All(Run(folder.File("sidecar")), label => Assert.Contains(label, english));
        Assert.All(Run(folder.File("labels"), "--labels", labels), label => Assert.StartsWith("kind ", label));
        File.WriteAllText(model + ".json", """{"labels": ["a"]}""");
        Assert.All(Run(folder.File("wrong-sidecar"), "--labels", labels), label => Assert.StartsWith("kind ", label));
    }

    [Fact]
    public void ImageNetArchitecturesNameTheirThousandClasses()
    {
        Assert.Equal(1000, ImageNetClasses.Names.Count);
        Assert.Equal("tench", ImageNetClasses.Names[0]);
        Assert.Equal("toilet tissue", ImageNetClasses.Names[999]);
        using (var model = ModelCatalog.Load("resnet18"))
            Assert.Equal("tabby", model.LabelOf(281));
        using (var small = ModelCatalog.Load("resnet18", classes: 5))
            Assert.Equal("3", small.LabelOf(3));

        using var folder = new TempDirectory();
        string input = folder.File("photo.npy");
        using (var photo = torch.rand(1, 3, 224, 224, generator: new torch.Generator(1))) NpyFile.Write(input, photo);
        var result = CliRunner.Run("explain", "--model", "resnet18", "--input", input, "--method", "saliency", "--target", "281", "--out", folder.File("out"), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        long predicted = Assert.Single(Predicted(result.Output));
        Assert.Equal(ImageNetClasses.Names[(int)predicted], Assert.Single(PredictedLabels(result.Output)));
    }

    [Fact]
    public void TheReportHtmlEncodesTheNames()
    {
        using var folder = new TempDirectory();
        string labels = folder.File("names.txt");
        File.WriteAllLines(labels, Enumerable.Range(0, 10).Select(i => $"<b>kind {i}</b> & co"));
        var result = CliRunner.Run("report", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--input", Fixtures.FmnistInputs,
            "--method", "saliency", "--labels", labels, "--out", folder.File("report"));
        Assert.True(result.ExitCode == 0, result.Error);
        string html = File.ReadAllText(Path.Combine(folder.File("report"), "index.html"));
        Assert.Contains("&lt;b&gt;kind 1&lt;/b&gt; &amp; co", html);
        Assert.DoesNotContain("<b>kind", html);
    }

    [Fact]
    public void TopKAndVisualizeNameClassUnits()
    {
        using var folder = new TempDirectory();
        string labels = folder.File("names.txt");
        File.WriteAllLines(labels, Names);
        string data = folder.File("twenty.npy");
        using (var pixels = torch.rand(20, 1, 28, 28, generator: new torch.Generator(2))) NpyFile.Write(data, pixels);
        var topK = CliRunner.Run("top-k", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", data, "--class", "7",
            "--k", "2", "--labels", labels, "--out", folder.File("top"));
        Assert.True(topK.ExitCode == 0, topK.Error);
        Assert.Contains("class-7 (logit of class 7 'kind 7'): top ", topK.Output);
        var visualize = CliRunner.Run("visualize", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--class", "3",
            "--steps", "2", "--labels", labels, "--out", folder.File("visual"));
        Assert.True(visualize.ExitCode == 0, visualize.Error);
        Assert.Contains("class-3: logit of class 3 'kind 3' = ", visualize.Output);
    }
}
