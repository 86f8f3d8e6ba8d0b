using SkiaSharp;

namespace Lumen.Tests.Imaging;

/// <summary>Writes small image files for tests.</summary>
internal static class TestImages
{
    public static void Write(string path, int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format, int quality = 100)
    {
        if (format == SKEncodedImageFormat.Bmp)
        {
            File.WriteAllBytes(path, Bmp(width, height, color));
            return;
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}");
        File.WriteAllBytes(path, data.ToArray());
    }

    public static void WriteGreyPng(string path, int width, int height, Func<int, int, byte> value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[y * bitmap.RowBytes + x] = value(x, y);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)!;
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A 24-bit bottom-up BMP (SkiaSharp has no BMP encoder).</summary>
    public static byte[] Bmp(int width, int height, Func<int, int, SKColor> color)
    {
        var rowSize = (width * 3 + 3) / 4 * 4;
        var dataSize = rowSize * height;
        using var memory = new MemoryStream();
        using var w = new BinaryWriter(memory);
        w.Write((byte)'B');
        w.Write((byte)'M');
        w.Write(54 + dataSize);
        w.Write(0);
        w.Write(54);
        w.Write(40);
        w.Write(width);
        w.Write(height);
        w.Write((short)1);
        w.Write((short)24);
        w.Write(0);
        w.Write(dataSize);
        w.Write(2835);
        w.Write(2835);
        w.Write(0);
        w.Write(0);
        for (var y = height - 1; y >= 0; y--)
        {
            for (var x = 0; x < width; x++)
            {
                var c = color(x, y);
                w.Write(c.Blue);
                w.Write(c.Green);
                w.Write(c.Red);
            }

            for (var p = width * 3; p < rowSize; p++)
            {
                w.Write((byte)0);
            }
        }

        w.Flush();
        return memory.ToArray();
    }

    /// <summary>A 1x1 GIF whose only pixel is red (SkiaSharp has no GIF encoder).</summary>
    public static readonly byte[] RedPixelGif =
    [
        (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1, 0, 1, 0, 0x80, 0, 0,
        0xFF, 0, 0, 0, 0, 0,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,
        2, 2, 0x44, 0x01, 0,
        0x3B,
    ];

    /// <summary>Inserts an EXIF APP1 segment with the given orientation right after the JPEG SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] app1 =
        [
            0xFF, 0xE1, 0, 34,
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'I', (byte)'I', 0x2A, 0, 8, 0, 0, 0,
            1, 0,
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0,
            0, 0, 0, 0,
        ];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>
    /// A PNG that declares <paramref name="width"/> x <paramref name="height"/> but holds only an empty compressed
    /// stream: what a decompression bomb looks like before it is decoded.
    /// </summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        byte[] header = [.. BigEndian(width), .. BigEndian(height), 8, 2, 0, 0, 0];
        byte[] emptyZlib = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
        return
        [
            0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A,
            .. Chunk("IHDR", header), .. Chunk("IDAT", emptyZlib), .. Chunk("IEND", []),
        ];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        return [.. BigEndian(data.Length), .. typed, .. BigEndian((int)Crc32(typed))];
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
