namespace Lumen.IO;

/// <summary>
/// Checks a folder that a run is about to write into: it must be a folder (or not exist yet, when it is created),
/// and it must not lie in a system pseudo-filesystem (<c>/proc</c>, <c>/sys</c>, <c>/dev</c>), where a "file" is a
/// kernel setting or a device. Links are followed, so a link to <c>/proc</c> counts as <c>/proc</c>.
/// </summary>
public static class OutputFolder
{
    /// <summary>Folders whose contents are kernel interfaces or devices, never output files.</summary>
    private static readonly string[] SystemFolders = ["/proc", "/sys", "/dev"];

    /// <summary>
    /// Refuses <paramref name="folder"/> when it is an existing file, device or system folder; creates it when
    /// missing. Returns true when it was created by this call (so a failed run can remove it again).
    /// </summary>
    /// <exception cref="LumenException">The folder cannot hold output files (kind Usage).</exception>
    public static bool Prepare(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string real = RealPath.Of(folder)
            ?? throw LumenException.Usage($"cannot write output into '{folder}': its symbolic links form a loop; choose another output folder");
        string? system = SystemFolders.FirstOrDefault(s => real == s || real.StartsWith(s + "/", StringComparison.Ordinal));
        if (system is not null)
            throw LumenException.Usage($"cannot write output into '{folder}': {system} holds kernel settings and devices, not files; choose another output folder");
        if (File.Exists(real) || (Path.Exists(real) && !Directory.Exists(real)))
            throw LumenException.Usage($"cannot write output into '{folder}': it is a file, not a folder; choose a folder (it is created when missing)");
        if (Directory.Exists(real)) return false;
        try
        {
            Directory.CreateDirectory(real);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LumenException.Usage($"cannot create the output folder '{folder}': {e.Message} Choose another output folder.");
        }
    }
}
