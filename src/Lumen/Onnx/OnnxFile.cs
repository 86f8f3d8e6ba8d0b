using Google.Protobuf;
using Lumen.Onnx.Proto;

namespace Lumen.Onnx;

/// <summary>
/// Reads and writes ONNX model files (protobuf <c>ModelProto</c>) with size limits: a malformed or oversized file is a
/// <see cref="LumenException"/> of kind Model, never another exception.
/// </summary>
internal static class OnnxFile
{
    /// <summary>The largest model file read (protobuf messages cannot exceed 2 GB; bigger weights live in external data).</summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    public static ModelProto Read(string path)
    {
        Lumen.IO.InputFile.RequireFile(path, "ONNX model", "model.onnx");
        if (!File.Exists(path)) throw LumenException.InputData($"ONNX model '{path}' does not exist; check the path");
        long length = new FileInfo(path).Length;
        if (length == 0) throw LumenException.Model($"ONNX model '{path}' is empty; export the model again");
        if (length > MaxModelBytes)
            throw LumenException.Model($"ONNX model '{path}' is {length} bytes, more than the 2 GB protobuf limit; store the weights as external data");
        try
        {
            using var stream = File.OpenRead(path);
            using var input = new CodedInputStream(stream);
            var model = ModelProto.Parser.ParseFrom(input);
            if (model.Graph is null || model.Graph.Node.Count == 0)
                throw LumenException.Model($"'{path}' holds no ONNX graph (no nodes); is it an ONNX model file?");
            return model;
        }
        catch (InvalidProtocolBufferException error)
        {
            throw LumenException.Model($"'{path}' is not a valid ONNX model ({error.Message.TrimEnd('.')}); export the model again", error);
        }
        catch (IOException error)
        {
            throw LumenException.InputData($"cannot read ONNX model '{path}': {error.Message}", error);
        }
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(ModelProto model, string path) =>
        Imaging.AtomicFile.Write(path, stream => model.WriteTo(stream));
}
