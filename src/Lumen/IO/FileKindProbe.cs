using System.Runtime.InteropServices;

namespace Lumen.IO;

/// <summary>
/// Finds the <see cref="FileKind"/> of a path without opening it (opening a pipe that has no writer blocks forever).
/// On Linux it asks the kernel through <c>statx</c>, whose result layout is the same on every architecture; elsewhere,
/// or where <c>statx</c> is unavailable, it falls back to .NET's file attributes, which tell directories and link
/// loops apart but not pipes, sockets or devices.
/// </summary>
internal static class FileKindProbe
{
    private const int AtCurrentDirectory = -100;   // AT_FDCWD
    private const int AtSymlinkNoFollow = 0x100;   // AT_SYMLINK_NOFOLLOW
    private const uint StatxType = 0x1;            // STATX_TYPE: only the file type is needed
    private const int StatxBufferBytes = 256;      // sizeof(struct statx)
    private const int StatxModeOffset = 28;        // offset of the u16 stx_mode in struct statx
    private const int NoSuchEntry = 2;             // ENOENT
    private const int NotADirectory = 20;          // ENOTDIR
    private const int TooManyLinks = 40;           // ELOOP
    private const int NameTooLong = 36;            // ENAMETOOLONG
    private const int NotImplemented = 38;         // ENOSYS
    private const int TypeMask = 0xF000;           // S_IFMT
    private const int SymbolicLink = 0xA000;       // S_IFLNK

    /// <summary>What <paramref name="path"/> is, following symbolic links.</summary>
    public static FileKind KindOf(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (TryStatx(path) is { } kind) return kind;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // A C library without statx (glibc before 2.28, older musl): use the portable answer below.
            }
        }

        return FromAttributes(path);
    }

    /// <summary>The kind from <c>statx</c>, or null when the call itself is unavailable (ENOSYS, seccomp filters).</summary>
    private static FileKind? TryStatx(string path)
    {
        var buffer = new byte[StatxBufferBytes];
        if (statx(AtCurrentDirectory, path, 0, StatxType, buffer) == 0)
        {
            return FromMode(ModeOf(buffer));
        }

        int error = Marshal.GetLastPInvokeError();
        switch (error)
        {
            case TooManyLinks:
                return FileKind.LinkLoop;
            case NoSuchEntry:
                // Either nothing is there, or a link points to nothing: ask about the link itself.
                return statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer) == 0 && (ModeOf(buffer) & TypeMask) == SymbolicLink
                    ? FileKind.DanglingLink
                    : FileKind.Missing;
            case NotADirectory or NameTooLong:
                return FileKind.Missing;
            case NotImplemented: // the kernel (or a sandbox) refuses statx
                return null;
            default:
                return FileKind.Unknown;
        }
    }

    private static ushort ModeOf(byte[] buffer) => BitConverter.ToUInt16(buffer, StatxModeOffset);

    private static FileKind FromMode(ushort mode) => (mode & TypeMask) switch
    {
        0x8000 => FileKind.Regular,          // S_IFREG
        0x4000 => FileKind.Directory,        // S_IFDIR
        0x1000 => FileKind.Pipe,             // S_IFIFO
        0xC000 => FileKind.Socket,           // S_IFSOCK
        0x2000 => FileKind.CharacterDevice,  // S_IFCHR
        0x6000 => FileKind.BlockDevice,      // S_IFBLK
        _ => FileKind.Unknown,               // S_IFLNK (only without following) and anything new
    };

    /// <summary>The portable answer: directories, regular-looking files, dangling links and link loops.</summary>
    private static FileKind FromAttributes(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                FileSystemInfo? target;
                try
                {
                    target = info.ResolveLinkTarget(returnFinalTarget: true);
                }
                catch (IOException)
                {
                    return FileKind.LinkLoop; // reported as "too many levels of symbolic links"
                }

                if (target is null || (!File.Exists(target.FullName) && !Directory.Exists(target.FullName))) return FileKind.DanglingLink;
            }

            if (Directory.Exists(path)) return FileKind.Directory;
            return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or ArgumentException or NotSupportedException or IOException)
        {
            return FileKind.Unknown;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
