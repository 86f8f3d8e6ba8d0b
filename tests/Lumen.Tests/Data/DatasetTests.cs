using Xunit;
using Lumen.Data;
using Lumen.Imaging;
using Lumen.Tests.Imaging;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Tests.Data;

public sealed class DatasetTests
{
    [Fact]
    public void FashionMnistTestSplitGivesTheReferenceImagesExactly()
    {
        using var data = ImageDatasets.Open("fashion-mnist", "test");
        Assert.Equal(10_000, data.Count);
        Assert.Equal(new long[] { 9, 2, 1, 1 }, data.Labels!.Take(4));
        Assert.Equal("Ankle boot", data.ClassNames![9]);
        using var pixels = data.LoadPixels(0, 4);
        using var reference = NpyFile.Read(Fixtures.FmnistInputs);
        Assert.Equal(reference.shape, pixels.shape);
        Assert.Equal(0.0, (pixels - reference).abs().max().item<float>());
    }

    [Fact]
    public void TrainSplitHasSixtyThousandLabelledImages()
    {
        using var data = ImageDatasets.Open(ImageDatasets.FashionMnistFolder, "train");
        Assert.Equal(60_000, data.Count);
        Assert.Equal(60_000, data.Labels!.Count);
        Assert.All(Enumerable.Range(0, 10), label => Assert.Equal(6_000, data.Labels.Count(l => l == label)));
    }

    [Fact]
    public void BatchesCoverTheDatasetInOrderAndOwnTheirTensors()
    {
        using var pixels = torch.rand(10, 1, 6, 6);
        using var data = ImageDatasets.FromTensor(pixels, labels: Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        var starts = new List<int>();
        var reported = new List<DatasetProgress>();
        var progress = new SynchronousProgress(reported.Add);
        using (var scope = torch.NewDisposeScope())
        {
            foreach (var batch in DatasetStream.Batches(data, ImagePreprocessing.Grey(), 4, progress))
            {
                using (batch)
                {
                    starts.Add(batch.Start);
                    Assert.Equal(batch.Count, batch.Labels!.Count);
                    Assert.Equal(batch.Start, batch.Labels[0]);
                    Assert.Equal(new long[] { batch.Count, 1, 6, 6 }, batch.Input.shape);
                    Assert.Equal(new long[] { batch.Count, 3, 6, 6 }, batch.Display.shape);
                    using var expected = pixels.narrow(0, batch.Start, batch.Count);
                    Assert.True(batch.Input.allclose(expected, rtol: 0, atol: 0));
                }
            }

            Assert.Equal(0, scope.DisposablesCount);
        }

        Assert.Equal(new[] { 0, 4, 8 }, starts);
        Assert.Equal(new[] { 4, 8, 10 }, reported.Select(r => r.Done));
    }

    [Fact]
    public void BatchesApplyTheModelsResizeCropAndNormalization()
    {
        using var pixels = torch.rand(3, 1, 28, 28);
        using var data = ImageDatasets.FromTensor(pixels);
        var batch = Assert.Single(DatasetStream.Batches(data, ImagePreprocessing.ImageNet(), 8));
        using (batch)
        {
            Assert.Equal(new long[] { 3, 3, 224, 224 }, batch.Input.shape);
            Assert.InRange(batch.Display.min().item<float>(), 0f, 1f);
            Assert.InRange(batch.Input.min().item<float>(), -2.2f, 0f);
        }
    }

    [Fact]
    public void CancellationStopsBeforeTheNextBatch()
    {
        using var pixels = torch.zeros(8, 1, 4, 4);
        using var data = ImageDatasets.FromTensor(pixels);
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var batch in DatasetStream.Batches(data, ImagePreprocessing.Grey(), 2, cancellation: cancel.Token))
            {
                batch.Dispose();
                seen++;
                cancel.Cancel();
            }
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public void ClassSubFoldersGiveLabelsAndImagesOfAnySizeAreResized()
    {
        using var folder = new TempDirectory();
        foreach (var (name, size) in new[] { ("cat", 40), ("dog", 64) })
        {
            Directory.CreateDirectory(folder.File(name));
            TestImages.Write(Path.Combine(folder.File(name), "b.png"), size, size + 8, (x, y) => new SKColor((byte)x, (byte)y, 7), SKEncodedImageFormat.Png);
            TestImages.Write(Path.Combine(folder.File(name), "a.png"), size + 8, size, (x, y) => new SKColor((byte)y, (byte)x, 9), SKEncodedImageFormat.Png);
        }

        using var data = ImageDatasets.Open(folder.Path);
        Assert.Equal(4, data.Count);
        Assert.Equal(new[] { "cat", "dog" }, data.ClassNames);
        Assert.Equal(new long[] { 0, 0, 1, 1 }, data.Labels);
        Assert.Equal("a.png", data.ItemName(0));
        var preprocessing = new ImagePreprocessing { Resize = 32, CenterCrop = 32 };
        var batch = Assert.Single(DatasetStream.Batches(data, preprocessing, 16));
        using (batch)
        {
            Assert.Equal(new long[] { 4, 3, 32, 32 }, batch.Input.shape);
        }
    }

    [Fact]
    public void NpyImagesAreCheckedForTheirRange()
    {
        using var folder = new TempDirectory();
        using (var bad = torch.full(2, 1, 4, 4, 3f)) NpyFile.Write(folder.File("bad.npy"), bad);
        using (var bytes = torch.full([2, 4, 4], 255, ScalarType.Byte)) NpyFile.Write(folder.File("bytes.npy"), bytes);
        var error = Assert.Throws<LumenException>(() => ImageDatasets.Open(folder.File("bad.npy")));
        Assert.Contains("must be in [0, 1]", error.Message);
        using var data = ImageDatasets.Open(folder.File("bytes.npy"));
        using var pixels = data.LoadPixels(0, 2);
        Assert.Equal(new long[] { 2, 1, 4, 4 }, pixels.shape);
        Assert.Equal(1f, pixels.min().item<float>());
    }

    [Theory]
    [InlineData("no-such-folder", "test", ErrorKind.InputData, "was not found")]
    [InlineData("fashion-mnist", "validation", ErrorKind.Usage, "unknown split 'validation'")]
    public void BadDatasetArgumentsSayWhatIsWrong(string path, string split, ErrorKind kind, string message)
    {
        var error = Assert.Throws<LumenException>(() => ImageDatasets.Open(path, split));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AnIdxFolderWithoutLabelsNamesTheMissingFile()
    {
        using var folder = new TempDirectory();
        File.Copy(Path.Combine(ImageDatasets.FashionMnistFolder, "t10k-images-idx3-ubyte.gz"), folder.File("t10k-images-idx3-ubyte.gz"));
        var error = Assert.Throws<LumenException>(() => ImageDatasets.Open(folder.Path, "test"));
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void AFolderWithoutImagesSaysWhatItExpects()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("notes.txt"), "hello");
        var error = Assert.Throws<LumenException>(() => ImageDatasets.Open(folder.Path));
        Assert.Contains("holds no images", error.Message);
    }

    private sealed class SynchronousProgress(Action<DatasetProgress> report) : IProgress<DatasetProgress>
    {
        public void Report(DatasetProgress value) => report(value);
    }
}
