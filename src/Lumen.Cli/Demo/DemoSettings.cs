using Lumen.Runtime;
using Lumen.Shortcuts;
using Lumen.Training;

namespace Lumen.Cli.Demo;

/// <summary>What <c>lumen demo</c> runs on and where it writes.</summary>
/// <param name="Data">The dataset (Fashion-MNIST or a folder with the same IDX files).</param>
/// <param name="OutputFolder">Where report/index.html goes.</param>
/// <param name="CacheFolder">Where trained weights are kept between runs.</param>
/// <param name="Training">Epochs, batch size, learning rate and seed of both models.</param>
/// <param name="Shortcut">How the watermarked training set is made.</param>
/// <param name="Retrain">Train even when cached weights exist.</param>
/// <param name="TrainingImages">Train on the first this many training images (null: all), for quick runs.</param>
public sealed record DemoSettings(string Data, string OutputFolder, string CacheFolder, TrainingOptions Training, ShortcutSettings Shortcut, bool Retrain, int? TrainingImages = null)
{
    /// <summary>Where the models train and run (the data stays on the CPU; each batch moves).</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>The default cache: $XDG_CACHE_HOME/lumen, else ~/.cache/lumen.</summary>
    public static string DefaultCacheFolder()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "lumen");
    }
}
