using Lumen.IO;
namespace Lumen.Imaging;

/// <summary>
/// Writes a file so that readers never see a half-written one: the bytes go to a temporary file in the
/// same folder (a hidden <c>.NAME.GUID.tmp</c>), which is flushed and then renamed over the destination. A process
/// killed mid-write leaves the previous file (or none) plus at most such a hidden temporary file.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/> and renames it into place.</summary>
    /// <param name="path">The destination; its folder must exist. An existing file is replaced.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="LumenException">The folder is missing or the file cannot be written (kind Usage).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            throw LumenException.Usage($"Cannot write '{path}': the folder '{folder}' does not exist; create it first or choose another output path.");
        }

        var temp = Path.Combine(folder, TemporaryName(Path.GetFileName(fullPath)));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw LumenException.Usage($"Cannot write '{StagedOutput.Shown(path)}': {Reason(e)}; choose another output path or free some space.");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The destination; its folder must exist.</param>
    /// <param name="text">The whole content.</param>
    /// <exception cref="LumenException">The folder is missing or the file cannot be written (kind Usage).</exception>
    public static void WriteText(string path, string text) =>
        Write(path, stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));

    /// <summary>What went wrong, without the temporary file's name that .NET appends (" : 'PATH'").</summary>
    private static string Reason(Exception e)
    {
        string message = e.Message.Split('\n')[0].Trim();
        int path = message.IndexOf(" : '", StringComparison.Ordinal);
        return (path > 0 ? message[..path] : message).TrimEnd('.', ' ');
    }

    /// <summary>The hidden temporary name a write of <paramref name="fileName"/> uses: <c>.NAME.GUID.tmp</c>.</summary>
    private static string TemporaryName(string fileName) => $".{fileName}.{Guid.NewGuid():N}.tmp";

    /// <summary>Whether <paramref name="fileName"/> has the shape of the temporary files this class writes (left behind only by a killed process).</summary>
    public static bool IsTemporaryName(string fileName) => TemporaryPattern().IsMatch(fileName);

    [System.Text.RegularExpressions.GeneratedRegex("^\\..+\\.[0-9a-f]{32}\\.tmp$")]
    private static partial System.Text.RegularExpressions.Regex TemporaryPattern();

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: the temporary file has a unique name and never replaces the destination.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
