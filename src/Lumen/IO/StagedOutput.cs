using Lumen.Imaging;

namespace Lumen.IO;

/// <summary>
/// The files of one run, written first into a hidden staging folder inside the output folder
/// (<c>.lumen-staging-GUID</c>) and moved into place together by <see cref="Commit"/>. A run that fails (a full
/// disk, a rendering error, Ctrl-C) leaves nothing: disposing without committing removes the staging folder, and
/// the output folder too when this run created it and it is still empty. Moving is a rename on the same file
/// system, which needs no space, so a commit does not fail half-way for lack of it.
/// </summary>
public sealed partial class StagedOutput : IDisposable
{
    /// <summary>The name prefix of staging folders; <see cref="RemoveLeftovers"/> removes those of killed runs.</summary>
    public const string StagingPrefix = ".lumen-staging-";

    private readonly bool createdFolder;
    private readonly List<string> names = [];
    private bool committed;

    private StagedOutput(string folder, bool createdFolder)
    {
        Folder = folder;
        this.createdFolder = createdFolder;
        Staging = Path.Combine(folder, StagingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveCreatedFolder();
            throw LumenException.Usage($"cannot write into the output folder '{folder}': {e.Message} Choose another output folder.");
        }
    }

    /// <summary>The output folder the files end up in.</summary>
    public string Folder { get; }

    /// <summary>The hidden folder the files are written to until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>Checks and, when missing, creates <paramref name="folder"/> (<see cref="OutputFolder.Prepare"/>), then opens a staging folder in it.</summary>
    /// <exception cref="LumenException">The folder cannot hold output files (kind Usage).</exception>
    public static StagedOutput Open(string folder) => new(folder, OutputFolder.Prepare(folder));

    /// <summary>Where to write the output file <paramref name="name"/> (a file name, or a relative path with sub-folders) until the commit.</summary>
    public string PathFor(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (committed) throw new InvalidOperationException("the output was committed already");
        if (Path.IsPathRooted(name) || name.Split('/', '\\').Contains(".."))
            throw new ArgumentException($"'{name}' is not a relative path inside the output folder", nameof(name));
        string path = Path.Combine(Staging, name);
        string? parent = Path.GetDirectoryName(path);
        if (parent is not null && parent != Staging) Directory.CreateDirectory(parent);
        if (!names.Contains(name, StringComparer.Ordinal)) names.Add(name);
        return path;
    }

    /// <summary>
    /// <paramref name="path"/> as a user should read it: a path inside a staging folder is shown at the place the
    /// file is going to (the staging folder is an implementation detail that is gone after the run).
    /// </summary>
    public static string Shown(string path) => StagingSegment().Replace(path, "");

    [System.Text.RegularExpressions.GeneratedRegex("[/\\\\]\\.lumen-staging-[0-9a-f]{32}(?=[/\\\\])")]
    private static partial System.Text.RegularExpressions.Regex StagingSegment();

    /// <summary>The final path of the output file <paramref name="name"/>.</summary>
    public string FinalPath(string name) => Path.Combine(Folder, name);

    /// <summary>Moves every written file into the output folder (replacing older files of the same name); returns their final paths.</summary>
    public IReadOnlyList<string> Commit()
    {
        if (committed) throw new InvalidOperationException("the output was committed already");
        var finals = new List<string>();
        foreach (string name in names)
        {
            string staged = Path.Combine(Staging, name);
            if (!File.Exists(staged)) continue; // asked for a path, then wrote nothing there
            string final = FinalPath(name);
            string? parent = Path.GetDirectoryName(final);
            if (parent is not null) Directory.CreateDirectory(parent);
            File.Move(staged, final, overwrite: true);
            finals.Add(final);
        }
        committed = true;
        TryDeleteTree(Staging);
        return finals;
    }

    /// <summary>Without a commit, removes the staging folder (and the output folder when this run created it and it is empty).</summary>
    public void Dispose()
    {
        if (committed) return;
        TryDeleteTree(Staging);
        RemoveCreatedFolder();
        committed = true;
    }

    /// <summary>
    /// Removes what killed runs left in <paramref name="folder"/>: staging folders and the hidden temporary files of
    /// <see cref="AtomicFile"/> (<c>.NAME.GUID.tmp</c>). Returns how many were removed.
    /// </summary>
    public static int RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (string staging in Directory.EnumerateDirectories(folder, StagingPrefix + "*"))
        {
            if (TryDeleteTree(staging)) removed++;
        }
        foreach (string temp in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (!AtomicFile.IsTemporaryName(Path.GetFileName(temp))) continue;
            try
            {
                File.Delete(temp);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a temporary file that cannot be removed is never read as an output.
            }
        }
        return removed;
    }

    private void RemoveCreatedFolder()
    {
        try
        {
            if (createdFolder && Directory.Exists(Folder) && !Directory.EnumerateFileSystemEntries(Folder).Any()) Directory.Delete(Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an empty folder is harmless.
        }
    }

    private static bool TryDeleteTree(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
