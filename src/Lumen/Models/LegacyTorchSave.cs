namespace Lumen.Models;

/// <summary>
/// Recognises the legacy <c>torch.save</c> format (PyTorch before 1.6): not a zip but a run of raw pickles, the first
/// of which holds the magic number 0x1950a86a20f9469cfc6c (pickled as PROTO n, LONG1 of 10 bytes, little-endian).
/// </summary>
internal static class LegacyTorchSave
{
    /// <summary>How many leading bytes <see cref="Matches"/> reads: PROTO (2), LONG1 and its length (2), the magic (10).</summary>
    public const int HeaderLength = 14;

    private static ReadOnlySpan<byte> Magic => [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>Whether <paramref name="head"/>, a file's first bytes, starts a legacy <c>torch.save</c> file.</summary>
    public static bool Matches(ReadOnlySpan<byte> head) =>
        head.Length >= HeaderLength && head[0] == 0x80 && head[1] is >= 2 and <= 5 && head[2] == 0x8a && head[3] == 10
        && head[4..HeaderLength].SequenceEqual(Magic);
}
