using System.IO.Compression;
using Lumen.Imaging;
using Lumen.IO;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>An IDX file, plain or gzip-compressed, may not declare more data than the input memory limit.</summary>
public class IdxInputTests
{
    [Fact]
    public void GzipBombWithinDeflatesRatioIsRefusedByTheMemoryLimit()
    {
        // 800,000 images of 28x28 (627 MB of zeros) compress to well under a megabyte: a plausible ratio, too much memory.
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write([0, 0, 0x08, 3, 0x00, 0x0C, 0x35, 0x00, 0, 0, 0, 28, 0, 0, 0, 28]);
            var zeros = new byte[1 << 20];
            for (long left = 800_000L * 784; left > 0; left -= zeros.Length) gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }

        compressed.Position = 0;
        var error = Assert.Throws<LumenException>(() => IdxFile.Read(compressed, "train-images-idx3-ubyte.gz"));

        Assert.Equal(ErrorKind.InputData, error.Kind);
        Assert.Contains("declares 800000 x 28 x 28 elements, 598 MiB of data, above the input memory limit", error.Message);
        Assert.Contains(InputLimits.Variable, error.Message);
    }
}
