using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Decodes an image one row at a time into an RGBA tensor, at full size or reduced by an integer factor (each output
/// pixel the mean of a factor x factor block, like PIL's <c>Image.reduce</c>). Only one source row is held besides the
/// output, and decoding stops at the first row the data cannot provide, so a file whose header promises more than
/// its data holds fails after touching only the rows it really has.
/// </summary>
internal static class ScanlineDecoder
{
    /// <summary>
    /// Decodes the image of <paramref name="codec"/>, on which <see cref="SKCodec.StartScanlineDecode(SKImageInfo)"/>
    /// with <paramref name="info"/> has succeeded, into a uint8 tensor [H', W', 4] with H' and W' the sides divided by
    /// <paramref name="factor"/>, rounded up.
    /// </summary>
    /// <exception cref="LumenException">The data ends or breaks before the last row (kind InputData).</exception>
    public static Tensor Read(SKCodec codec, SKImageInfo info, int factor, string name)
    {
        int width = info.Width, height = info.Height;
        int outWidth = DecodePlan.Reduced(width, factor), outHeight = DecodePlan.Reduced(height, factor);
        var row = new byte[info.RowBytes];
        var handle = GCHandle.Alloc(row, GCHandleType.Pinned);
        var output = torch.empty([outHeight, outWidth, 4], ScalarType.Byte);
        try
        {
            var target = output.bytes;
            var sums = factor == 1 ? null : new long[outWidth * 4];
            int filled = 0;
            for (int i = 0; i < height; i++)
            {
                // Rows arrive top-down or, for bottom-up BMPs, bottom-up; either way a band's rows arrive together.
                int y = codec.GetOutputScanline(codec.NextScanline);
                if (codec.GetScanlines(handle.AddrOfPinnedObject(), 1, info.RowBytes) != 1)
                {
                    throw LumenException.InputData($"Image '{name}' could not be decoded completely: its data ends or breaks at row {i + 1} of {height}; the file is probably truncated or corrupted.");
                }

                if (sums is null)
                {
                    row.AsSpan(0, width * 4).CopyTo(target.Slice(y * width * 4, width * 4));
                    continue;
                }

                Accumulate(row, width, factor, sums);
                filled++;
                int band = y / factor;
                if (filled == Math.Min(factor, height - band * factor))
                {
                    Emit(sums, filled, width, factor, target.Slice(band * outWidth * 4, outWidth * 4));
                    filled = 0;
                }
            }

            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Adds each pixel of a decoded row to the sums of its output column.</summary>
    private static void Accumulate(byte[] row, int width, int factor, Span<long> sums)
    {
        for (int x = 0, column = 0; x < width; column++)
        {
            int end = Math.Min(x + factor, width);
            long r = 0, g = 0, b = 0, a = 0;
            for (; x < end; x++)
            {
                r += row[4 * x];
                g += row[4 * x + 1];
                b += row[4 * x + 2];
                a += row[4 * x + 3];
            }

            sums[4 * column] += r;
            sums[4 * column + 1] += g;
            sums[4 * column + 2] += b;
            sums[4 * column + 3] += a;
        }
    }

    /// <summary>Writes the rounded means of a finished band of rows, and clears its sums.</summary>
    private static void Emit(Span<long> sums, int rows, int width, int factor, Span<byte> target)
    {
        for (int column = 0; column < sums.Length / 4; column++)
        {
            long pixels = (long)rows * (Math.Min((column + 1) * factor, width) - column * factor);
            for (int c = 0; c < 4; c++)
            {
                target[4 * column + c] = (byte)((sums[4 * column + c] + pixels / 2) / pixels);
            }
        }

        sums.Clear();
    }
}
