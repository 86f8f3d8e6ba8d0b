using Lumen.Models;

namespace Lumen.Onnx;

/// <summary>Loads an ONNX model as a black box on ONNX Runtime, for perturbation methods on graphs the importer cannot build.</summary>
public static class OnnxBlackBox
{
    /// <summary>
    /// Opens <paramref name="path"/>; the input size comes from the graph or <paramref name="options"/>. The graph is first
    /// screened against <see cref="OnnxImportOptions.MaxImportBytes"/> as far as the importer can work it out.
    /// </summary>
    public static ExplainableModel Load(string path, OnnxImportOptions? options = null)
    {
        options ??= new OnnxImportOptions();
        var (name, declared) = OnnxImporter.DescribeInput(path);
        long[] shape = OnnxImporter.ResolveShape(declared, options.InputShape, name);
        // The importer's budget, input size included, applies to all it can work out of the graph before ONNX Runtime runs it.
        OnnxImporter.Screen(path, shape, options);
        var module = new OnnxRuntimeModule(path);
        try
        {
            return new ExplainableModel(module, path, shape, options.ClassLabels, options.Preprocessing);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}
