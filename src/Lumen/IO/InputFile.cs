namespace Lumen.IO;

/// <summary>
/// The one check every user-supplied input path goes through before it is opened: Lumen reads only regular files
/// (and folders where a folder is meant). Pipes, sockets and devices are refused up front because reading them can
/// block forever (a pipe with no writer) or never end (<c>/dev/zero</c>), and because the readers budget their memory
/// from the file's length, which such files do not have.
/// </summary>
public static class InputFile
{
    /// <summary>
    /// Throws unless <paramref name="path"/> is a regular file or nothing at all: a missing path returns normally so
    /// that each reader reports it in its own words.
    /// </summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What the file is, starting the message: "Image", "NumPy file", "weights file".</param>
    /// <param name="example">A file name for the fix, e.g. "input.npy" in "write it to a file first (e.g. <c>... &gt; input.npy</c>)".</param>
    /// <exception cref="LumenException">The path is a directory, pipe, socket, device or broken link (kind InputData).</exception>
    public static void RequireFile(string path, string what, string example) => Require(path, what, example, folderAllowed: false);

    /// <summary>Like <see cref="RequireFile"/>, but a directory is accepted too (datasets are files or folders).</summary>
    /// <exception cref="LumenException">The path is a pipe, socket, device or broken link (kind InputData).</exception>
    public static void RequireFileOrFolder(string path, string what, string example) => Require(path, what, example, folderAllowed: true);

    /// <summary>What <paramref name="path"/> names, following symbolic links, without opening it.</summary>
    public static FileKind KindOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FileKindProbe.KindOf(path);
    }

    private static void Require(string path, string what, string example, bool folderAllowed)
    {
        ArgumentNullException.ThrowIfNull(path);
        string subject = $"{what} '{path}'";
        string copyFirst = $"write the data to a file first (e.g. `... > {example}`) and give that file";
        string? problem = KindOf(path) switch
        {
            FileKind.Directory when !folderAllowed => $"{subject} is a directory, not a file; give the path of a file inside it",
            FileKind.Pipe => $"{subject} is a pipe, not a regular file; {copyFirst}",
            FileKind.Socket => $"{subject} is a socket, not a regular file; {copyFirst}",
            FileKind.CharacterDevice or FileKind.BlockDevice => $"{subject} is a device, not a regular file; {copyFirst}",
            FileKind.LinkLoop => $"{subject} is a symbolic link loop (following its links never reaches a file); fix or remove the link",
            FileKind.DanglingLink => $"{subject} is a symbolic link to something that does not exist; fix the link or give the file itself",
            _ => null,
        };
        if (problem is not null) throw LumenException.InputData(problem);
    }
}
