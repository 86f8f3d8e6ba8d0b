using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>
/// Bilinear resize with antialiasing exactly as Pillow's <c>Image.resize(size, Image.BILINEAR)</c> does it on an
/// 8-bit image, which is what TorchVision's <c>transforms.Resize</c> runs on a PIL image (the path of
/// <c>ImageFolder</c> and of the published ImageNet evaluation recipes). A triangle filter whose support grows with the
/// downscale factor, with pixel centres at +0.5 and weights normalised to sum 1, is applied horizontally and then
/// vertically; the weights are fixed-point numbers with 22 fractional bits and each pass rounds to 0..255, as
/// Pillow's <c>Resample.c</c> does.
/// </summary>
internal static class AntialiasedResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>
    /// Resizes [N, C, H, W] pixels with values 0..255 to [N, C, <paramref name="height"/>, <paramref name="width"/>].
    /// Values are first rounded to whole 0..255 levels (decoded images already are), as an 8-bit image holds them.
    /// </summary>
    public static Tensor Resize(Tensor nchw, long height, long width)
    {
        long n = nchw.shape[0], c = nchw.shape[1];
        int inHeight = (int)nchw.shape[2], inWidth = (int)nchw.shape[3];
        int outHeight = (int)height, outWidth = (int)width;
        var horizontal = Coefficients.For(inWidth, outWidth);
        var vertical = Coefficients.For(inHeight, outHeight);
        int planeSize = inHeight * inWidth, outSize = outHeight * outWidth;
        var result = new float[n * c * outSize];
        // One copy of the whole batch as 8-bit levels; every plane is a slice of it.
        byte[] planes;
        using (var levels = nchw.detach().cpu().to_type(ScalarType.Float32).round().clamp(0, 255).to_type(ScalarType.Byte).contiguous())
        {
            planes = levels.data<byte>().ToArray();
        }
        Parallel.For(0, (int)(n * c), () => (Temp: new byte[inHeight * outWidth], Output: new byte[outSize]), (p, _, buffers) =>
        {
            ReadOnlySpan<byte> rows = planes.AsSpan(p * planeSize, planeSize);
            int rowWidth = inWidth;
            if (outWidth != inWidth)
            {
                ResampleRows(rows, inHeight, inWidth, buffers.Temp, outWidth, horizontal);
                rows = buffers.Temp;
                rowWidth = outWidth;
            }

            if (outHeight != inHeight) ResampleColumns(rows, rowWidth, buffers.Output, outHeight, vertical);
            else rows[..outSize].CopyTo(buffers.Output);
            for (int i = 0; i < outSize; i++) result[p * outSize + i] = buffers.Output[i];
            return buffers;
        }, _ => { });

        return tensor(result, [n, c, height, width]).to(nchw.device);
    }

    private static void ResampleRows(ReadOnlySpan<byte> input, int rows, int inWidth, byte[] output, int outWidth, Coefficients k)
    {
        for (int y = 0; y < rows; y++)
        {
            int row = y * inWidth;
            for (int x = 0; x < outWidth; x++)
            {
                int start = k.First[x], weights = x * k.Size;
                int sum = 1 << (PrecisionBits - 1);
                for (int i = 0; i < k.Count[x]; i++) sum += input[row + start + i] * k.Weights[weights + i];
                output[y * outWidth + x] = Clip8(sum);
            }
        }
    }

    private static void ResampleColumns(ReadOnlySpan<byte> input, int width, byte[] output, int outHeight, Coefficients k)
    {
        for (int y = 0; y < outHeight; y++)
        {
            int start = k.First[y], weights = y * k.Size;
            for (int x = 0; x < width; x++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int i = 0; i < k.Count[y]; i++) sum += input[(start + i) * width + x] * k.Weights[weights + i];
                output[y * width + x] = Clip8(sum);
            }
        }
    }

    private static byte Clip8(int sum) => sum <= 0 ? (byte)0 : sum >= (1 << PrecisionBits << 8) ? (byte)255 : (byte)(sum >> PrecisionBits);

    /// <summary>Pillow's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> for the bilinear (triangle) filter.</summary>
    private sealed class Coefficients
    {
        public required int Size { get; init; }
        public required int[] First { get; init; }
        public required int[] Count { get; init; }
        public required int[] Weights { get; init; }

        public static Coefficients For(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = 1.0 * filterScale; // the triangle's support is 1 pixel, widened by the downscale factor
            int size = (int)Math.Ceiling(support) * 2 + 1;
            var first = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * size];
            var k = new double[size];
            double reciprocal = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++)
            {
                double center = (xx + 0.5) * scale;
                int min = Math.Max(0, (int)(center - support + 0.5));
                int max = Math.Min(inSize, (int)(center + support + 0.5)) - min;
                double total = 0;
                for (int x = 0; x < max; x++)
                {
                    double distance = Math.Abs((x + min - center + 0.5) * reciprocal);
                    k[x] = distance < 1.0 ? 1.0 - distance : 0.0;
                    total += k[x];
                }

                for (int x = 0; x < max; x++)
                {
                    double w = total != 0.0 ? k[x] / total : k[x];
                    weights[xx * size + x] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
                }

                first[xx] = min;
                count[xx] = Math.Max(0, max);
            }

            return new Coefficients { Size = size, First = first, Count = count, Weights = weights };
        }
    }
}
