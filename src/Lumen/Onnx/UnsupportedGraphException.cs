namespace Lumen.Onnx;

/// <summary>
/// A well-formed ONNX model that the importer cannot turn into a TorchSharp module (an operator, attribute or opset
/// outside its coverage). Such a model may still run as a black box on ONNX Runtime; malformed or hostile files never
/// raise this exception.
/// </summary>
public sealed class UnsupportedGraphException : LumenException
{
    /// <summary>Creates the error.</summary>
    public UnsupportedGraphException(string message, Exception? inner = null) : base(ErrorKind.Model, message, inner)
    {
    }
}
