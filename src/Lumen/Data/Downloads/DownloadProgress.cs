namespace Lumen.Data.Downloads;

/// <summary>Bytes of <paramref name="File"/> received so far, of <paramref name="Total"/> when the server says.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Done">Bytes received, including those of an earlier attempt that the download resumed.</param>
/// <param name="Total">The file's size, or null when the server does not give it.</param>
public readonly record struct DownloadProgress(string File, long Done, long? Total);
