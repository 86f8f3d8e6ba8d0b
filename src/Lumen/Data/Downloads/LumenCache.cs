namespace Lumen.Data.Downloads;

/// <summary>Where Lumen keeps files it fetched or computed once: <c>$LUMEN_CACHE</c>, else <c>$XDG_CACHE_HOME/lumen</c>, else <c>~/.cache/lumen</c>.</summary>
public static class LumenCache
{
    /// <summary>The environment variable that sets the cache folder.</summary>
    public const string Variable = "LUMEN_CACHE";

    /// <summary>The cache folder (not created here).</summary>
    public static string Root
    {
        get
        {
            string? own = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(own)) return Path.GetFullPath(own);
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string baseFolder = !string.IsNullOrWhiteSpace(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseFolder, "lumen");
        }
    }

    /// <summary>The folder for the dataset <paramref name="name"/>: <c>ROOT/datasets/NAME</c>.</summary>
    public static string DatasetFolder(string name) => Path.Combine(Root, "datasets", name);

    /// <summary>The folder for downloaded model weights: <c>ROOT/weights</c>.</summary>
    public static string WeightsFolder => Path.Combine(Root, "weights");
}
