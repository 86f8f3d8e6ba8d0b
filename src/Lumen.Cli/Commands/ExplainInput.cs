using Lumen.IO;
using Lumen.Imaging;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Cli.Commands;

/// <summary>
/// The images to explain: model-ready input [N, C, H, W], the pictures to draw on [N, 3, H, W] in [0, 1], and a
/// stem per image for output file names. Comes from image files (preprocessed for the model) or from a
/// preprocessed float32 .npy array (used as it is).
/// </summary>
public sealed class ExplainInput : IDisposable
{
    private ExplainInput(Tensor input, Tensor display, IReadOnlyList<string> stems, string? arrayStem)
    {
        Input = input;
        Display = display;
        Stems = stems;
        ArrayStem = arrayStem;
    }

    /// <summary>The model-ready batch, on the model's device.</summary>
    public Tensor Input { get; }

    /// <summary>The pictures to draw heatmaps on (on the CPU).</summary>
    public Tensor Display { get; }

    /// <summary>A file-name stem per image.</summary>
    public IReadOnlyList<string> Stems { get; }

    /// <summary>The stem of the .npy input file, or null when the input came from image files.</summary>
    public string? ArrayStem { get; }

    /// <summary>The number of images.</summary>
    public int Count => Stems.Count;

    /// <summary>Loads image files with the model's preprocessing.</summary>
    public static ExplainInput FromImages(IReadOnlyList<string> paths, ExplainableModel model)
    {
        if (model.Preprocessing.Channels != model.InputShape[0])
            throw LumenException.Usage($"{model.Name} takes {model.InputShape[0]}-channel input, which image files cannot give; pass a preprocessed array with --input FILE.npy");
        foreach (string path in paths)
        {
            if (InputFile.KindOf(path) == FileKind.Directory)
                throw LumenException.InputData($"Image '{path}' is a directory; give image files, or use --data {path} to go through a folder of images");
        }
        using var scope = NewDisposeScope();
        using var loaded = ImageLoader.Load(paths, model.Preprocessing);
        var stems = UniqueStems(paths.Select(Path.GetFileNameWithoutExtension).Select(stem => stem ?? "image").ToList());
        return new ExplainInput(loaded.Input.clone().to(model.Device.Torch).DetachFromDisposeScope(), loaded.Display.clone().DetachFromDisposeScope(), stems, null);
    }

    /// <summary>Reads a preprocessed float32 array [N, C, H, W]; no resizing or normalization is applied.</summary>
    public static ExplainInput FromArray(string path, ExplainableModel model)
    {
        using var scope = NewDisposeScope();
        Tensor input = NpyFile.Read(path);
        if (input.dtype != ScalarType.Float32)
            throw LumenException.InputData($"{Path.GetFileName(path)} holds {input.dtype}, but --input needs a float32 array [N, {string.Join(", ", model.InputShape)}]");
        Tensor onDevice = input.to(model.Device.Torch);
        model.ValidateInput(onDevice);
        FiniteValues.Require(input, $"NumPy file '{path}'");
        Tensor display = DisplayFromInput(input);
        string stem = Path.GetFileNameWithoutExtension(path);
        var stems = Enumerable.Range(0, (int)input.shape[0]).Select(i => $"{stem}.{i}").ToList();
        return new ExplainInput(onDevice.DetachFromDisposeScope(), display.DetachFromDisposeScope(), stems, stem);
    }

    /// <summary>Each image min-max scaled to [0, 1] and repeated to three channels when grey.</summary>
    private static Tensor DisplayFromInput(Tensor input)
    {
        long images = input.shape[0];
        Tensor flat = input.reshape(images, -1);
        Tensor low = flat.min(1, keepdim: true).values;
        Tensor range = (flat.max(1, keepdim: true).values - low).clamp_min(1e-12);
        Tensor scaled = ((flat - low) / range).reshape(input.shape);
        return input.shape[1] == 3 ? scaled : scaled.mean(new long[] { 1 }, keepdim: true).expand(-1, 3, -1, -1).contiguous();
    }

    /// <summary>
    /// One stem per path, unique across the run: the first image with a stem keeps it, later ones get the first free
    /// "-2", "-3", ... suffix (free = no other image's stem and not given out yet), so a.png, b/a.png and a-2.png
    /// become a, a-3 and a-2, and no file of one image replaces another's.
    /// </summary>
    internal static List<string> UniqueStems(IReadOnlyList<string> stems)
    {
        var taken = new HashSet<string>(stems, StringComparer.Ordinal);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<string>();
        foreach (string stem in stems)
        {
            if (kept.Add(stem))
            {
                unique.Add(stem);
                continue;
            }
            int suffix = 2;
            while (taken.Contains($"{stem}-{suffix}")) suffix++;
            string renamed = $"{stem}-{suffix}";
            taken.Add(renamed);
            unique.Add(renamed);
        }
        return unique;
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Input.Dispose();
        Display.Dispose();
    }
}
