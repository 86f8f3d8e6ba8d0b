using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Lumen.Tests.Reliability;

/// <summary>Builds the hostile and unlucky input files the reliability tests feed to Lumen, byte by byte.</summary>
internal static class HostileInputs
{
    /// <summary>
    /// A PNG of <paramref name="width"/> x <paramref name="height"/> whose IDAT holds <paramref name="raw"/> (filtered
    /// scanlines before compression) deflated; bit depth and colour type as given (1, 0 = 1-bit grey; 8, 2 = RGB).
    /// </summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colourType, byte[] raw)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(raw);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colourType;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 1-bit black PNG of <paramref name="side"/> x <paramref name="side"/>: about 33 KB for 16384 (a decompression bomb).</summary>
    public static byte[] OneBitBomb(int side)
    {
        int rowBytes = 1 + (side + 7) / 8; // filter byte + packed bits
        return Png(side, side, 1, 0, new byte[(long)rowBytes * side]);
    }

    /// <summary>An 8-bit RGB PNG whose header claims <paramref name="side"/>² pixels but whose data is <paramref name="dataBytes"/> random bytes.</summary>
    public static byte[] LyingPng(int side, int dataBytes)
    {
        var raw = new byte[dataBytes];
        new Random(5).NextBytes(raw);
        raw[0] = 0; // a valid filter byte for the first row
        return Png(side, side, 8, 2, raw);
    }

    /// <summary>
    /// An uncompressed 24-bit BMP (bottom-up, as BMPs usually are) of the given size: the pixel at (x, y) is
    /// R = x, G = y, B = x + y (mod 256). With <paramref name="dataBytes"/> set, only that many bytes of pixel data are
    /// stored while the header still claims the full size.
    /// </summary>
    public static byte[] Bmp(int width, int height, int? dataBytes = null)
    {
        int rowBytes = (width * 3 + 3) / 4 * 4;
        long full = (long)rowBytes * height;
        var pixels = new byte[dataBytes ?? full];
        for (long i = 0; i < pixels.Length && dataBytes is null; i++)
        {
            int row = (int)(i / rowBytes), offset = (int)(i % rowBytes);
            if (offset >= width * 3) continue;
            int x = offset / 3, y = height - 1 - row;
            pixels[i] = (byte)((offset % 3) switch { 0 => x + y, 1 => y, _ => x }); // stored as B, G, R
        }

        var bmp = new byte[54 + pixels.Length];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), (int)Math.Min(full, int.MaxValue));
        pixels.CopyTo(bmp, 54);
        return bmp;
    }

    /// <summary>
    /// A version 1.0 .npy header (magic, version, length, padded dict) for the given dtype and shape, followed by
    /// <paramref name="data"/>; the header may claim more or less than the data holds.
    /// </summary>
    public static byte[] Npy(string descr, IEnumerable<long> shape, byte[] data)
    {
        var dims = shape.ToList();
        string tuple = dims.Count == 1 ? $"{dims[0]}," : string.Join(", ", dims);
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({tuple}), }}";
        bool wide = dict.Length + 12 > ushort.MaxValue;
        int prefix = wide ? 12 : 10;
        string text = dict + new string(' ', (64 - (prefix + dict.Length + 1) % 64) % 64) + "\n";
        using var npy = new MemoryStream();
        npy.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', wide ? (byte)2 : (byte)1, 0]);
        var length = new byte[wide ? 4 : 2];
        if (wide) BinaryPrimitives.WriteInt32LittleEndian(length, text.Length);
        else BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)text.Length);
        npy.Write(length);
        npy.Write(Encoding.Latin1.GetBytes(text));
        npy.Write(data);
        return npy.ToArray();
    }

    /// <summary>Makes a named pipe (FIFO) at <paramref name="path"/>, as <c>mkfifo</c> does.</summary>
    public static string Fifo(string path)
    {
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0) throw new IOException($"mkfifo {path} failed with errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    /// <summary>
    /// Runs <paramref name="action"/>, which must not block on the FIFO at <paramref name="fifo"/>. Should it block anyway
    /// (a regression), a writer is attached and closed after a generous wait so the reader sees the end of the data and
    /// the test fails instead of hanging.
    /// </summary>
    public static T WithoutHanging<T>(string fifo, Func<T> action)
    {
        var task = Task.Run(action);
        if (!task.Wait(TimeSpan.FromSeconds(60)))
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { }
            task.Wait(TimeSpan.FromSeconds(10));
            throw new Xunit.Sdk.XunitException($"reading '{fifo}' blocked on the pipe instead of refusing it");
        }

        return task.Result;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, SafeLoaderTests.Crc32(typed));
        png.Write(crc);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
