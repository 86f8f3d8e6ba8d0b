using Lumen.Imaging;
using Xunit;
using static TorchSharp.torch;

namespace Lumen.Tests.Imaging;

/// <summary>
/// ImageNet preprocessing equals TorchVision's <c>Resize(256), CenterCrop(224), ToTensor(), Normalize(...)</c> on a
/// PIL image, on PNGs and tensors written by fixtures/preprocessing/make_fixture.py with torchvision 0.14 and Pillow 9.4.
/// The tolerance 1e-3 is far below one 8-bit level after normalisation (1 / 255 / 0.229 = 0.017), so it only admits
/// float rounding: every resized pixel must be the same 8-bit value as Pillow's.
/// </summary>
public sealed class TorchVisionPreprocessingTests
{
    private const double Tolerance = 1e-3;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    [Theory]
    [InlineData("landscape")] // 500x375: shorter side 375 -> 256
    [InlineData("portrait")]  // 300x400: shorter side 300 -> 256
    [InlineData("mild")]      // 283x270: a mild downscale
    public void ImageNetInputEqualsTorchVisionsPilPath(string name)
    {
        using var scope = NewDisposeScope();
        using var images = ImageLoader.Load(Fixture(name + ".png"), ImagePreprocessing.ImageNet());
        var pixels = NpyFile.Read(Fixture(name + ".u8.npy")).to_type(ScalarType.Float32);
        var expected = (pixels / 255f - tensor(Mean).view(3, 1, 1)) / tensor(Std).view(3, 1, 1);
        Assert.Equal(new long[] { 1, 3, 224, 224 }, images.Input.shape);
        double difference = (images.Input[0] - expected).abs().max().item<float>();
        Assert.True(difference < Tolerance, $"{name}: largest difference {difference}");
    }

    [Fact]
    public void NormalisedTensorEqualsTorchVisionsOwn()
    {
        using var scope = NewDisposeScope();
        using var images = ImageLoader.Load(Fixture("landscape.png"), ImagePreprocessing.ImageNet());
        var expected = NpyFile.Read(Fixture("landscape.npy"));
        double difference = (images.Input[0] - expected).abs().max().item<float>();
        Assert.True(difference < Tolerance, $"largest difference {difference}");
    }

    private static string Fixture(string file) => Path.Combine(Fixtures.Root, "preprocessing", file);
}
