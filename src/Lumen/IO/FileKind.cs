namespace Lumen.IO;

/// <summary>What a path names on disk, as far as reading it as an input file is concerned.</summary>
public enum FileKind
{
    /// <summary>Nothing exists at the path (or a folder on the way is missing).</summary>
    Missing,

    /// <summary>A regular file (possibly reached through symbolic links): the only kind Lumen reads as a file.</summary>
    Regular,

    /// <summary>A directory (folder).</summary>
    Directory,

    /// <summary>A named pipe (FIFO), including the pipes a shell's process substitution <c>&lt;(...)</c> hands out.</summary>
    Pipe,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A character device such as <c>/dev/zero</c> or a terminal.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A symbolic link whose chain of links never reaches a file (a loop, or more than the system allows).</summary>
    LinkLoop,

    /// <summary>A symbolic link to a path where nothing exists.</summary>
    DanglingLink,

    /// <summary>The kind could not be determined (for example no permission to look); opening the file will tell.</summary>
    Unknown,
}
