using System.Buffers.Binary;
using System.Text;

namespace Lumen.Tests.Reliability;

/// <summary>
/// Makes damaged variants of a valid file, deterministically from a seed: bit flips, truncation, huge claimed
/// sizes written over integers, interesting bytes, inserted and deleted chunks, and edits of a text header.
/// </summary>
internal sealed class FileMutator(int seed)
{
    private static readonly long[] HugeValues =
    [
        0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1L << 32, 1L << 40, long.MaxValue, -1,
    ];

    private static readonly string[] HeaderWords =
    [
        "0", "1", "-1", "4294967296", "9223372036854775807", "99999999999999999999", "1e30", "null", "[]", "{}", "\"\"",
        "F32", "F64", "U8", "BOOL", "F8_E4M3", "<f4", ">f8", "|u1", "<c16", "O", "True", "False", "(", ")", "'", "\"",
    ];

    private readonly Random random = new(seed);

    /// <summary>One to three random mutations of <paramref name="seedBytes"/>; <paramref name="description"/> says which.</summary>
    public byte[] Mutate(byte[] seedBytes, out string description)
    {
        var bytes = seedBytes.ToArray();
        var steps = new List<string>();
        int count = 1 + random.Next(3);
        for (int i = 0; i < count; i++)
        {
            bytes = MutateOnce(bytes, out string step);
            steps.Add(step);
        }

        description = string.Join(" + ", steps);
        return bytes;
    }

    private byte[] MutateOnce(byte[] bytes, out string step)
    {
        if (bytes.Length == 0)
        {
            step = "insert";
            return [(byte)random.Next(256)];
        }

        switch (random.Next(8))
        {
            case 0:
            {
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                step = $"flip {flips} bits";
                return bytes;
            }
            case 1:
            {
                int length = random.Next(bytes.Length);
                step = $"truncate to {length}";
                return bytes[..length];
            }
            case 2:
            {
                // A huge or odd integer written over a header field, in either byte order.
                int width = random.Next(2) == 0 ? 4 : 8;
                int at = Position(bytes.Length, width);
                long value = HugeValues[random.Next(HugeValues.Length)];
                bool big = random.Next(2) == 0;
                Span<byte> field = bytes.AsSpan(at, Math.Min(width, bytes.Length - at));
                Span<byte> encoded = stackalloc byte[8];
                if (big) BinaryPrimitives.WriteInt64BigEndian(encoded, value); else BinaryPrimitives.WriteInt64LittleEndian(encoded, value);
                (big ? encoded[(8 - field.Length)..] : encoded[..field.Length]).CopyTo(field);
                step = $"write {value} ({(big ? "BE" : "LE")}{width}) at {at}";
                return bytes;
            }
            case 3:
            {
                int at = random.Next(bytes.Length);
                bytes[at] = (byte)(random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 });
                step = $"set byte {at}";
                return bytes;
            }
            case 4:
            {
                int at = random.Next(bytes.Length + 1);
                var chunk = new byte[1 + random.Next(16)];
                random.NextBytes(chunk);
                step = $"insert {chunk.Length} at {at}";
                return [.. bytes[..at], .. chunk, .. bytes[at..]];
            }
            case 5:
            {
                int at = random.Next(bytes.Length);
                int length = Math.Min(1 + random.Next(16), bytes.Length - at);
                step = $"delete {length} at {at}";
                return [.. bytes[..at], .. bytes[(at + length)..]];
            }
            default:
                return EditText(bytes, out step);
        }
    }

    /// <summary>Replaces a run of digits or letters in the file's text part with another header word.</summary>
    private byte[] EditText(byte[] bytes, out string step)
    {
        int searchEnd = Math.Min(bytes.Length, 4096);
        var starts = new List<int>();
        for (int i = 0; i < searchEnd; i++)
        {
            bool word = IsWordByte(bytes[i]);
            if (word && (i == 0 || !IsWordByte(bytes[i - 1]))) starts.Add(i);
        }

        if (starts.Count == 0)
        {
            step = "no text";
            return bytes;
        }

        int start = starts[random.Next(starts.Count)];
        int end = start;
        while (end < bytes.Length && IsWordByte(bytes[end])) end++;
        string replacement = HeaderWords[random.Next(HeaderWords.Length)];
        step = $"replace '{Encoding.Latin1.GetString(bytes, start, end - start)}' by '{replacement}'";
        return [.. bytes[..start], .. Encoding.ASCII.GetBytes(replacement), .. bytes[end..]];
    }

    private static bool IsWordByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b == '_';

    private int Position(int length, int width) => length <= width ? 0 : random.Next(length - width + 1);
}
