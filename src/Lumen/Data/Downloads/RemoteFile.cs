using System.Security.Cryptography;

namespace Lumen.Data.Downloads;

/// <summary>
/// A file published at one or more addresses (mirrors, tried in order), identified by its hash.
/// </summary>
/// <param name="Name">The file's name in the destination folder.</param>
/// <param name="Addresses">Where it is published; the first that delivers the right bytes wins.</param>
/// <param name="Algorithm">The hash that identifies the file: <see cref="HashAlgorithmName.SHA256"/>, or
/// <see cref="HashAlgorithmName.MD5"/> where that is all the publisher gives.</param>
/// <param name="ExpectedHash">The hash as hexadecimal digits (either case).</param>
public sealed record RemoteFile(string Name, IReadOnlyList<Uri> Addresses, HashAlgorithmName Algorithm, string ExpectedHash);
