using Lumen.Onnx;
using Lumen.Tests.Onnx;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Damaged ONNX files (from a PyTorch-exported model with external weights and from Lumen's own export of a
/// BatchNorm CNN): each must import and run on zeros, or end in a one-line <see cref="LumenException"/>; never
/// another exception.
/// </summary>
public class OnnxFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 1500;

    [Fact]
    public void DamagedOnnxFilesImportOrFailWithALumenError()
    {
        using var folder = new TempDirectory();
        File.Copy(MnistImportTests.MnistPath + ".data", folder.File("mnist.onnx.data"));
        string exported = folder.File("seed-cnn.onnx");
        using (var cnn = TestModels.BatchNormCnn(3)) OnnxExporter.Export(cnn, TestModels.GreyShape, exported);
        var seeds = new List<byte[]> { File.ReadAllBytes(MnistImportTests.MnistPath), File.ReadAllBytes(exported) };

        var mutator = new FileMutator(20261126);
        int loaded = 0, refused = 0;
        var unexpected = new List<string>();
        string path = folder.File("mnist.onnx"); // next to the external weights, so that damaged references to them are followed
        for (int i = 0; i < Cases; i++)
        {
            var bytes = mutator.Mutate(seeds[i % seeds.Count], out string description);
            File.WriteAllBytes(path, bytes);
            try
            {
                using var scope = torch.NewDisposeScope();
                using var model = OnnxImporter.Load(path);
                long pixels = model.InputShape.Aggregate(1L, (a, b) => a * b);
                if (pixels <= 1 << 20) model.Predict(torch.zeros([1, .. model.InputShape]));
                loaded++;
            }
            catch (LumenException e)
            {
                if (e.Message.Contains('\n')) unexpected.Add($"case {i} ({description}): a message of several lines");
                refused++;
            }
            catch (Exception e)
            {
                unexpected.Add($"case {i} ({description}): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }

        string summary = $"fuzz onnx: {Cases} cases, {loaded} loaded, {refused} refused, {unexpected.Count} unexpected";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        foreach (var line in unexpected.Take(20)) output.WriteLine(line);
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(10)));
        Assert.True(loaded > 0 && refused > 0, "the mutations must both keep some files valid and break others");
    }
}
