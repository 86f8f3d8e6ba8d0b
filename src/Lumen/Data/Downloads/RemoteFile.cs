using System.Security.Cryptography;

namespace Lumen.Data.Downloads;

/// <summary>
/// A file published at one or more addresses (mirrors, tried in order), identified by its hash.
/// </summary>
/// <param name="Name">The file's name in the destination folder.</param>
/// <param name="Addresses">Where it is published; the first that delivers the right bytes wins.</param>
/// <param name="Algorithm">The hash that identifies the file: <see cref="HashAlgorithmName.SHA256"/>, or
/// <see cref="HashAlgorithmName.MD5"/> where that is all the publisher gives.</param>
/// <param name="ExpectedHash">The hash as hexadecimal digits (either case), or its start when <see cref="HashIsPrefix"/>.</param>
public sealed record RemoteFile(string Name, IReadOnlyList<Uri> Addresses, HashAlgorithmName Algorithm, string ExpectedHash)
{
    /// <summary>
    /// Whether <see cref="ExpectedHash"/> is only the start of the hash (TorchVision publishes the first 8 or more
    /// hexadecimal digits of a weight file's SHA-256 in its name). Default false: the whole hash.
    /// </summary>
    public bool HashIsPrefix { get; init; }

    /// <summary>Whether the hash <paramref name="actual"/> (hexadecimal) identifies this file.</summary>
    public bool Matches(string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (ExpectedHash.Length == 0) return false;
        return HashIsPrefix
            ? actual.StartsWith(ExpectedHash, StringComparison.OrdinalIgnoreCase)
            : string.Equals(actual, ExpectedHash, StringComparison.OrdinalIgnoreCase);
    }
}
