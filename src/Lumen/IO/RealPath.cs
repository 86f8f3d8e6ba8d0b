namespace Lumen.IO;

/// <summary>
/// The real path of a file or folder: every component resolved through its symbolic link, as <c>realpath(3)</c> does,
/// so that a folder reached through a link and a link anywhere along a path are both seen for what they are.
/// </summary>
public static class RealPath
{
    /// <summary>More links than this on one path is a loop (the Linux limit is 40).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The real path of <paramref name="path"/>; components that do not exist are kept as written (after the
    /// existing ones are resolved), and null is returned when the links loop.
    /// </summary>
    public static string? Of(string path)
    {
        // ".." is taken after the links before it are resolved (as the system does), so the path is not normalised first.
        string full = Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);
        string root = Path.GetPathRoot(full)!;
        var pending = new LinkedList<string>(Components(full[root.Length..]));
        string current = root;
        int links = 0;
        while (pending.First is { } first)
        {
            string part = first.Value;
            pending.RemoveFirst();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            string next = Path.Join(current, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks) return null;
            // The link's text replaces its component: absolute from the root, relative from the link's folder.
            if (Path.IsPathRooted(target))
            {
                root = Path.GetPathRoot(target)!;
                current = root;
                target = target[root.Length..];
            }

            foreach (string component in Components(target).Reverse()) pending.AddFirst(component);
        }

        return current;
    }

    /// <summary>The text of the link at <paramref name="path"/>, or null when it is no link (or cannot be read, and so cannot be followed either).</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies inside it (both real paths).</summary>
    public static bool IsInside(string path, string folder)
    {
        string prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
}
