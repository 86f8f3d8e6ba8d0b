using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>The file formats Lumen reads and writes model weights in.</summary>
public enum WeightFormat
{
    /// <summary>A <c>.safetensors</c> file holding a PyTorch state_dict.</summary>
    Safetensors,

    /// <summary>A PyTorch <c>torch.save(state_dict)</c> file (<c>.pt</c>, <c>.pth</c>; zip container).</summary>
    PyTorch,

    /// <summary>TorchSharp's own <c>module.save</c> format.</summary>
    TorchSharp,
}

/// <summary>
/// Loads and saves model weights. The file's format is recognised from its content, not its name.
/// Loading is strict: a missing, unexpected or mis-shaped tensor is an error that names them.
/// </summary>
public static class WeightLoader
{
    private const int ListedPerKind = 5;

    /// <summary>
    /// Recognises the format of a weights file from its first bytes. A legacy (pre-1.6, not zipped) <c>torch.save</c>
    /// file is a model error saying how to re-save it.
    /// </summary>
    public static WeightFormat DetectFormat(string path)
    {
        RequireFile(path);
        using var stream = File.OpenRead(path);
        var head = new byte[LegacyTorchSave.HeaderLength];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return WeightFormat.PyTorch;
        if (LegacyTorchSave.Matches(head.AsSpan(0, read)))
        {
            throw LumenException.Model($"weights file {path} is in the legacy torch.save format (PyTorch before 1.6, not a zip), which Lumen does not read; re-save it with torch.save(model.state_dict(), path) on PyTorch 1.6 or later, or as .safetensors");
        }
        // A JSON header after the 8-byte length, or the extension, means safetensors: even a damaged one then gets
        // the safetensors reader's precise message instead of a TorchSharp-format error.
        if ((read >= 9 && head[8] == (byte)'{') || Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase)) return WeightFormat.Safetensors;
        return WeightFormat.TorchSharp;
    }

    /// <summary>Loads the weights in <paramref name="path"/> into <paramref name="module"/>, strictly.</summary>
    public static void Load(nn.Module module, string path, string modelName)
    {
        WeightFormat format = DetectFormat(path);
        if (format == WeightFormat.TorchSharp)
        {
            LoadTorchSharp(module, path, modelName);
            return;
        }
        using var scope = torch.NewDisposeScope();
        CopyInto(module, ReadStateDict(path, format), path, modelName);
    }

    /// <summary>
    /// Copies tensors read from <paramref name="path"/> (see <see cref="ReadStateDict(string)"/>) into
    /// <paramref name="module"/>, after checking that every name and shape fits.
    /// </summary>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> stored, string path, string modelName)
    {
        using var scope = torch.NewDisposeScope();
        Dictionary<string, Tensor> expected = module.state_dict();
        CheckFits(expected, stored, path, modelName);
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in expected)
        {
            if (stored.TryGetValue(key, out Tensor? source)) target.copy_(source.to(target.dtype));
        }
    }

    /// <summary>Reads the tensors of a safetensors or PyTorch state_dict file by name.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path) => ReadStateDict(path, DetectFormat(path));

    /// <summary>
    /// Saves the module's state_dict; the format follows the extension: <c>.safetensors</c>, <c>.pt</c>/<c>.pth</c>
    /// (PyTorch), anything else TorchSharp's format. The file is written next to its destination and renamed.
    /// </summary>
    public static void Save(nn.Module module, string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            switch (extension)
            {
                case ".safetensors": module.save_safetensors(temporary); break;
                case ".pt" or ".pth": module.save_py(temporary); break;
                default: module.save(temporary); break;
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LumenException(ErrorKind.Usage, $"cannot write weights file '{path}': {FirstLine(e.Message)} Choose another path or free some space.", e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static Dictionary<string, Tensor> ReadStateDict(string path, WeightFormat format)
    {
        if (format == WeightFormat.TorchSharp)
        {
            throw LumenException.Model($"weights file {path} is in TorchSharp's format, which has no readable names; load it into a module instead");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Dictionary<string, Tensor> tensors = format == WeightFormat.Safetensors
                ? SafetensorsFile.Read(stream, path)
                : PyTorchFile.Read(stream, path);
            return StripDataParallelPrefix(tensors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LumenException.Model($"cannot read weights file {path} as {format}: {FirstLine(e.Message)}", e);
        }
    }

    private static Dictionary<string, Tensor> StripDataParallelPrefix(Dictionary<string, Tensor> tensors)
    {
        const string prefix = "module.";
        if (tensors.Count == 0 || !tensors.Keys.All(key => key.StartsWith(prefix, StringComparison.Ordinal))) return tensors;
        return tensors.ToDictionary(pair => pair.Key[prefix.Length..], pair => pair.Value, StringComparer.Ordinal);
    }

    private static void CheckFits(Dictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> stored, string path, string modelName)
    {
        // num_batches_tracked only counts training steps; it does not change an evaluation-mode forward pass.
        static bool Optional(string key) => key.EndsWith("num_batches_tracked", StringComparison.Ordinal);
        var missing = expected.Keys.Where(key => !stored.ContainsKey(key) && !Optional(key))
            .Select(key => $"{key} {Shape(expected[key])}").ToList();
        var unexpected = stored.Keys.Where(key => !expected.ContainsKey(key))
            .Select(key => $"{key} {Shape(stored[key])}").ToList();
        var misshaped = expected.Keys.Where(key => stored.ContainsKey(key) && !stored[key].shape.SequenceEqual(expected[key].shape))
            .Select(key => $"{key} is {Shape(stored[key])} in the file but {Shape(expected[key])} in the model").ToList();
        if (missing.Count + unexpected.Count + misshaped.Count == 0) return;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add("missing: " + Listed(missing));
        if (unexpected.Count > 0) parts.Add("unexpected: " + Listed(unexpected));
        if (misshaped.Count > 0) parts.Add("wrong shape: " + Listed(misshaped));
        throw LumenException.Model($"weights {Path.GetFileName(path)} do not fit {modelName}: {string.Join("; ", parts)}; use weights saved from the same architecture (and --classes if its class count differs)");
    }

    private static void LoadTorchSharp(nn.Module module, string path, string modelName)
    {
        try
        {
            module.load(path, strict: true);
        }
        catch (Exception e) when (e is not LumenException)
        {
            throw LumenException.Model($"weights {Path.GetFileName(path)} do not load into {modelName} (read as TorchSharp format, since it is neither safetensors nor a PyTorch zip): {FirstLine(e.Message)}", e);
        }
    }

    private static void RequireFile(string path)
    {
        Lumen.IO.InputFile.RequireFile(path, "weights file", "weights.safetensors");
        if (!File.Exists(path)) throw LumenException.InputData($"weights file not found: {path}");
    }

    private static string Listed(List<string> items) =>
        string.Join(", ", items.Take(ListedPerKind)) + (items.Count > ListedPerKind ? $" (+{items.Count - ListedPerKind} more)" : "");

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
