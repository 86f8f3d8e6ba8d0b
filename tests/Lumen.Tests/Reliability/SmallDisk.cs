using System.Diagnostics;

namespace Lumen.Tests.Reliability;

/// <summary>
/// A tiny tmpfs mounted for one test, to see what a run does when the disk fills up. Mounting needs root (CI and
/// the development machines run as root); elsewhere <see cref="Mount"/> returns null.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly TempDirectory folder;

    private SmallDisk(TempDirectory folder)
    {
        this.folder = folder;
    }

    /// <summary>The mount point.</summary>
    public string Path => folder.Path;

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/>; null when this process may not mount.</summary>
    public static SmallDisk? Mount(int bytes)
    {
        if (Environment.UserName != "root") return null;
        var folder = new TempDirectory();
        if (Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", folder.Path) != 0)
        {
            folder.Dispose();
            throw new InvalidOperationException("root could not mount a tmpfs for the full-disk test");
        }
        return new SmallDisk(folder);
    }

    /// <summary>Unmounts the tmpfs and removes the mount point.</summary>
    public void Dispose()
    {
        Run("umount", folder.Path);
        folder.Dispose();
    }

    private static int Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
