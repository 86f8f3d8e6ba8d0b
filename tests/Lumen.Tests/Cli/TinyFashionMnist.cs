using Lumen.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Cli;

/// <summary>Writes a small Fashion-MNIST folder (plain IDX files, cut from the real test split) for fast command tests.</summary>
internal static class TinyFashionMnist
{
    public static void Write(string folder, int trainCount, int testCount)
    {
        using var source = ImageDatasets.Open(ImageDatasets.FashionMnistAlias, "test");
        WriteSplit(folder, "train", source, 0, trainCount);
        WriteSplit(folder, "t10k", source, trainCount, testCount);
    }

    private static void WriteSplit(string folder, string prefix, IImageDataset source, int start, int count)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = source.LoadPixels(start, count).mul(255f).round().to_type(ScalarType.Byte);
        var images = Header(0x08, [count, 28, 28]).Concat(pixels.data<byte>().ToArray()).ToArray();
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images);
        var labels = Header(0x08, [count]).Concat(source.Labels!.Skip(start).Take(count).Select(l => (byte)l)).ToArray();
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
    }

    private static IEnumerable<byte> Header(byte type, int[] dims) =>
        new byte[] { 0, 0, type, (byte)dims.Length }.Concat(dims.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d }));
}
