namespace Lumen.Models;

/// <summary>
/// A module whose layers also go by other names than their module names: an imported ONNX graph, whose layers answer
/// to the node names and output tensor names the file (its exporter, Netron) shows. <see cref="ExplainableModel"/>
/// resolves these names like layer names and lists them with the layers.
/// </summary>
public interface ILayerAliases
{
    /// <summary>Every other name, mapped to the module name of its layer.</summary>
    IReadOnlyDictionary<string, string> LayerAliases { get; }

    /// <summary>How the file names layer <paramref name="layer"/> (e.g. <c>/conv3/Conv -> /conv3/Conv_output_0</c>), or null.</summary>
    string? SourceName(string layer);
}
