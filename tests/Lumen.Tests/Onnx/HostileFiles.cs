using Google.Protobuf;
using Lumen.Onnx.Proto;

namespace Lumen.Tests.Onnx;

/// <summary>Broken and hostile ONNX files for the error tests.</summary>
internal static class HostileFiles
{
    public static string Garbage(string folder)
    {
        string path = Path.Combine(folder, "garbage.onnx");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Truncated(string folder)
    {
        string path = Path.Combine(folder, "truncated.onnx");
        byte[] bytes = File.ReadAllBytes(MnistImportTests.MnistPath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    /// <summary>mnist.onnx in a sub-folder, with every external-data location rewritten to <paramref name="location"/>.</summary>
    public static string ExternalDataAt(string folder, string location, string name = "escaping.onnx")
    {
        string inner = Path.Combine(folder, "model");
        Directory.CreateDirectory(inner);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(MnistImportTests.MnistPath));
        foreach (var tensor in model.Graph.Initializer)
        {
            foreach (var entry in tensor.ExternalData.Where(e => e.Key == "location")) entry.Value = location;
        }
        File.Copy(MnistImportTests.MnistPath + ".data", Path.Combine(folder, "mnist.onnx.data"), overwrite: true);
        string path = Path.Combine(inner, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>A graph with a Softplus node (not supported by the importer; ONNX Runtime runs it).</summary>
    public static string Unsupported(string folder)
    {
        var g = new GraphBuilder(4, 13, 1, 8, 8);
        string x = g.Node("Softplus", new[] { "input" });
        x = g.Node("Flatten", new[] { x });
        return g.Save(x, Path.Combine(folder, "unsupported.onnx"));
    }
}
