namespace Lumen.Imaging;

/// <summary>The path the kernel opens for a given path: every symbolic link along it resolved.</summary>
public static class RealPath
{
    /// <summary>
    /// <paramref name="path"/> made absolute, with every link among its existing leading components resolved; the
    /// part that does not exist yet is appended unchanged. Two paths to the same file (relative and absolute, or
    /// through a link) give the same real path.
    /// </summary>
    /// <exception cref="IOException">A link cannot be followed (a loop of links).</exception>
    public static string Of(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Resolve(path, 0);
    }

    /// <summary>The most links followed for one path, as Linux allows (ELOOP beyond).</summary>
    private const int MaxLinks = 40;

    private static string Resolve(string path, int linksFollowed)
    {
        if (linksFollowed > MaxLinks) throw new IOException($"more than {MaxLinks} symbolic links lead to '{path}' (a loop of links)");
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? "/";
        string current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is null)
            {
                if (!info.Exists && !Directory.Exists(next)) return Path.Combine([next, .. parts[(i + 1)..]]);
                current = next;
                continue;
            }
            FileSystemInfo target = info.ResolveLinkTarget(returnFinalTarget: true)
                ?? throw new IOException($"'{next}' is a link that cannot be followed");
            current = Resolve(target.FullName, linksFollowed + 1);
        }
        return current;
    }
}
