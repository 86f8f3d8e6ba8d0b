using Lumen.Onnx.Graph;
using Microsoft.ML.OnnxRuntime;
using DenseTensorOf = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Lumen.Onnx;

/// <summary>
/// An ONNX model run by ONNX Runtime (CPU): images [N, C, H, W] in (transposed for a channels-last file), the first
/// output [N, K] out. Used as the
/// reference the importer is checked against and as the scorer of black-box (perturbation) explanations.
/// </summary>
public sealed class OnnxRuntimeSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string outputName;
    private readonly bool channelsLast;

    /// <summary>
    /// Opens <paramref name="path"/>; a file ONNX Runtime cannot load is a model error. Every external-data location in
    /// the file is checked first, as the importer checks it (ONNX Runtime reads the data itself), and ONNX Runtime's
    /// console log is silenced: its errors arrive as exceptions, turned into one clean line.
    /// </summary>
    public OnnxRuntimeSession(string path)
    {
        Lumen.IO.InputFile.RequireFile(path, "ONNX model", "model.onnx");
        if (!File.Exists(path)) throw LumenException.InputData($"ONNX model '{path}' does not exist; check the path");
        var proto = OnnxFile.Read(path);
        ExternalData.CheckAll(proto, Path.GetDirectoryName(Path.GetFullPath(path))!);
        channelsLast = ChannelsLastInput.Applies(proto.Graph, OnnxImporter.RealInput(proto.Graph));
        try
        {
            OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw LumenException.Model($"ONNX Runtime cannot load '{path}': {OrtMessage.Clean(error.Message)}", error);
        }
        inputName = session.InputMetadata.Keys.First();
        outputName = session.OutputMetadata.Keys.First();
        int[] dims = session.InputMetadata[inputName].Dimensions;
        DeclaredBatch = dims.Length > 0 && dims[0] > 0 ? dims[0] : null;
        DeclaredInput = $"[{string.Join(", ", dims.Select(d => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?"))}]";
    }

    /// <summary>The batch size the model's input declares, or null when it leaves it open.</summary>
    public long? DeclaredBatch { get; }

    /// <summary>The input's shape as the model declares it, e.g. <c>[1, 1, 28, 28]</c> (<c>?</c> for open sizes).</summary>
    public string DeclaredInput { get; }

    /// <summary>The name of the model's input.</summary>
    public string InputName => inputName;

    /// <summary>The outputs for <paramref name="input"/> [N, C, H, W] (float32), as a tensor [N, K].</summary>
    public Tensor Run(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        Tensor contiguous = input.detach().to_type(ScalarType.Float32).cpu();
        // A channels-last file (ChannelsLastInput) is explained channels-first and fed as it declares.
        contiguous = (channelsLast && contiguous.dim() == 4 ? contiguous.permute(0, 2, 3, 1) : contiguous).contiguous();
        float[] data = contiguous.data<float>().ToArray();
        var dims = contiguous.shape.Select(d => (int)d).ToArray();
        var feed = new[] { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensorOf(data, dims)) };
        try
        {
            using var results = session.Run(feed, new[] { outputName });
            var output = results.First().AsTensor<float>();
            long[] shape = output.Dimensions.ToArray().Select(d => (long)d).ToArray();
            return torch.tensor(output.ToArray(), shape).MoveToOuterDisposeScope();
        }
        catch (OnnxRuntimeException error)
        {
            throw LumenException.Model($"ONNX Runtime failed on input [{string.Join(", ", contiguous.shape)}] (the model declares {DeclaredInput}): {OrtMessage.Clean(error.Message)}", error);
        }
    }

    /// <summary>Closes the session.</summary>
    public void Dispose() => session.Dispose();
}
