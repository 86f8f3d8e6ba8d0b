namespace Lumen.Imaging;

/// <summary>
/// Writes a file so that readers never see a half-written one: the bytes go to a temporary file in the
/// same folder (a hidden <c>.NAME.GUID.tmp</c>), which is flushed and then renamed over the destination. A process
/// killed mid-write leaves the previous file (or none) plus at most such a hidden temporary file.
/// </summary>
public static class AtomicFile
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

        var temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
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
            throw LumenException.Usage($"Cannot write '{path}': {e.Message} Choose another output path or free some space.");
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
