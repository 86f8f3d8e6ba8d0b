using Xunit;

namespace Lumen.Tests.Cli;

/// <summary>
/// Every bad input ends in one line on standard error that names the problem, a non-zero exit code (2 usage,
/// 3 input data, 4 model), and no output file.
/// </summary>
public class BadInputTests
{
    public static TheoryData<string, string[], int, string> Cases()
    {
        string weights = Fixtures.FmnistWeights;
        return new TheoryData<string, string[], int, string>
        {
            { "missing image", new[] { "--image", "{missing}" }, 3, "not found" },
            { "truncated image", new[] { "--image", "{truncated}" }, 3, "truncated.png" },
            { "text file named .png", new[] { "--image", "{text}" }, 3, "text.png" },
            { "unknown architecture", new[] { "--model", "resnet19", "--image", "{image}" }, 2, "unknown model 'resnet19' (did you mean 'resnet18'?)" },
            { "weights of another architecture", new[] { "--model", "resnet18", "--classes", "10", "--image", "{image}" }, 4, "do not fit resnet18" },
            { "unknown layer", new[] { "--image", "{image}", "--layer", "conv9" }, 2, "unknown layer 'conv9' in fmnist-cnn; closest: conv1" },
            { "not a map layer", new[] { "--image", "{image}", "--layer", "fc" }, 2, "CAM methods need a convolutional map" },
            { "unknown method", new[] { "--image", "{image}", "--method", "gradcamm" }, 2, "unknown method 'gradcamm' (did you mean 'gradcam'?)" },
            { "class out of range", new[] { "--image", "{image}", "--target", "10" }, 2, "target class 10 is out of range: the model has 10 classes (0 to 9)" },
            { "target count differs", new[] { "--image", "{image}", "{image}", "--target", "1,2,3" }, 2, "3 target classes were given for 2 images" },
            { "unknown setting", new[] { "--image", "{image}", "--param", "steps=5" }, 2, "method 'gradcam' has no setting 'steps'" },
            { "missing weights", new[] { "--image", "{image}", "--weights", "{missing}" }, 3, "weights file not found" },
            { "wrong array shape", new[] { "--input", "{array}" }, 2, "input shape [2, 3, 28, 28] does not fit fmnist-cnn: expected [N, 1, 28, 28]" },
            { "no input", Array.Empty<string>(), 2, "give the images with --image" },
            { "occlusion window larger than the image", new[] { "--image", "{image}", "--method", "occlusion", "--param", "window=40" }, 2, "occlusion window 40 is larger than the image (28 pixels)" },
            { "occlusion stride larger than the window", new[] { "--image", "{image}", "--method", "occlusion", "--param", "window=4", "--param", "stride=6" }, 2, "occlusion stride 6 is larger than the window 4" },
            { "unknown occlusion baseline", new[] { "--image", "{image}", "--method", "occlusion", "--param", "baseline=purple" }, 2, "--param baseline=purple: expected 0, a number, mean, blur" },
            { "malformed window", new[] { "--image", "{image}", "--method", "occlusion", "--param", "window=4x" }, 2, "--param window=4x: expected a positive whole number of pixels" },
            { "unknown output", new[] { "--image", "{image}", "--method", "occlusion", "--param", "output=prob" }, 2, "--param output=prob: expected one of logit, probability, log-probability" },
            { "missing feature mask", new[] { "--image", "{image}", "--method", "feature-ablation", "--param", "feature-mask={missing}" }, 3, "was not found" },
            { "feature mask of floats", new[] { "--image", "{image}", "--method", "feature-ablation", "--param", "feature-mask={array}" }, 2, "expected integer ids per pixel" },
            { "unknown segmentation", new[] { "--image", "{image}", "--method", "feature-ablation", "--param", "segmentation=voronoi" }, 2, "--param segmentation=voronoi: expected grid:N" },
            { "rise keep probability above one", new[] { "--image", "{image}", "--method", "rise", "--param", "keep-probability=1.5" }, 2, "--param keep-probability=1.5: expected a number above 0 and at most 1" },
            { "rise without masks", new[] { "--image", "{image}", "--method", "rise", "--param", "masks=0" }, 2, "--param masks=0: expected a positive number of masks" },
            { "unknown lime selection", new[] { "--image", "{image}", "--method", "lime", "--param", "selection=best" }, 2, "--param selection=best: expected one of auto, none, highest-weights, forward-selection, lasso-path" },
            { "lime without samples", new[] { "--image", "{image}", "--method", "lime", "--param", "samples=1" }, 2, "--param samples=1: expected at least 2 samples" },
            { "slic without a count", new[] { "--image", "{image}", "--method", "lime", "--param", "segmentation=slic:many" }, 2, "--param segmentation=slic:many: expected a positive whole number" },
            { "unknown lime fill", new[] { "--image", "{image}", "--method", "lime", "--param", "hide=noise" }, 2, "--param hide=noise: expected segment-mean, 0, a number, mean, blur" },
            { "kernel-shap without samples", new[] { "--image", "{image}", "--method", "kernel-shap", "--param", "samples=0" }, 2, "--param samples=0: expected at least 2 samples" },
            { "unknown mask game", new[] { "--image", "{image}", "--method", "learned-mask", "--param", "game=hide" }, 2, "--param game=hide: expected one of deletion, preservation" },
            { "learned mask without steps", new[] { "--image", "{image}", "--method", "learned-mask", "--param", "iterations=0" }, 2, "--param iterations=0: expected a positive number of steps" },
            { "learned mask start outside 0..1", new[] { "--image", "{image}", "--method", "learned-mask", "--param", "init=2" }, 2, "--param init=2: expected a number from 0 to 1" },
            { "lime-noise without radius", new[] { "--image", "{image}", "--method", "lime-noise", "--param", "radius=0" }, 2, "--param radius=0: expected a positive number" },
            { "lime-noise block of no pixels", new[] { "--image", "{image}", "--method", "lime-noise", "--param", "cell=0" }, 2, "--param cell=0: expected auto or a positive whole number of pixels" },
            { "zero batch size", new[] { "--image", "{image}", "--method", "occlusion", "--param", "batch-size=0" }, 2, "--param batch-size=0: expected a positive number" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FailsWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        var values = new Dictionary<string, string>
        {
            ["{missing}"] = folder.File("missing.png"),
            ["{image}"] = ExplainCommandTests.WriteSampleImage(folder, 0, "boot.png"),
            ["{truncated}"] = Truncated(folder),
            ["{text}"] = Text(folder),
            ["{array}"] = WrongArray(folder),
        };
        var args = new List<string> { "explain", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--method", "gradcam", "--layer", "conv3" };
        args = Override(args, arguments.Select(a => values.Aggregate(a, (text, value) => text.Replace(value.Key, value.Value))).ToList());
        string output = folder.File("out");
        args.AddRange(new[] { "--out", output });

        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("lumen: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    public static TheoryData<string, string[], int, string> OnnxCases() => new()
    {
        { "onnx: not protobuf", new[] { "--model", "{garbage}" }, 4, "is not a valid ONNX model" },
        { "onnx: missing file", new[] { "--model", "{missing-onnx}" }, 3, "does not exist" },
        { "onnx: external data outside the folder", new[] { "--model", "{escaping}" }, 4, "external data '../mnist.onnx.data' outside the model's folder" },
        { "onnx: unsupported operator", new[] { "--model", "{unsupported}" }, 4, "ONNX operator 'Softplus' (node 'softplus_0') is not supported" },
        { "onnx: weights option", new[] { "--weights", "{weights}" }, 2, "--weights does not apply to an ONNX model" },
        { "onnx: unknown layer", new[] { "--layer", "conv3" }, 2, "unknown layer 'conv3'" },
        { "onnx: wrong array shape", new[] { "--input", "{array}" }, 2, "input shape [2, 3, 28, 28] does not fit" },
    };

    [Theory]
    [MemberData(nameof(OnnxCases))]
    public void OnnxModelsFailWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        var values = new Dictionary<string, string>
        {
            ["{garbage}"] = Onnx.HostileFiles.Garbage(folder.Path),
            ["{missing-onnx}"] = folder.File("missing.onnx"),
            ["{escaping}"] = Onnx.HostileFiles.ExternalDataAt(folder.Path, "../mnist.onnx.data"),
            ["{unsupported}"] = Onnx.HostileFiles.Unsupported(folder.Path),
            ["{weights}"] = Fixtures.FmnistWeights,
            ["{array}"] = WrongArray(folder),
        };
        var args = new List<string> { "explain", "--model", Onnx.MnistImportTests.MnistPath, "--method", "gradcam", "--layer", "node_relu", "--image", ExplainCommandTests.WriteSampleImage(folder, 0, "boot.png") };
        args = Override(args, arguments.Select(a => values.Aggregate(a, (text, value) => text.Replace(value.Key, value.Value))).ToList());
        int image = args.IndexOf("--image");
        if (args.Contains("--input")) args.RemoveRange(image, 2);
        string output = folder.File("out");
        args.AddRange(new[] { "--out", output });

        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("lumen: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    public static TheoryData<string, string[], int, string> UnderstandingCases() => new()
    {
        { "top-k: unknown layer", new[] { "top-k", "--data", "{data}", "--layer", "conv9", "--channel", "0" }, 2, "unknown layer 'conv9' in fmnist-cnn; closest: conv1" },
        { "top-k: channel out of range", new[] { "top-k", "--data", "{data}", "--layer", "conv1", "--channel", "16" }, 2, "channel 16 is out of range: layer conv1 has 16 channels (0 to 15)" },
        { "top-k: class out of range", new[] { "top-k", "--data", "{data}", "--class", "10" }, 2, "class 10 is out of range: the model has 10 classes (0 to 9)" },
        { "top-k: missing data", new[] { "top-k", "--data", "{missing}", "--class", "1" }, 3, "was not found" },
        { "top-k: no data option", new[] { "top-k", "--class", "1" }, 2, "--data" },
        { "top-k: no unit", new[] { "top-k", "--data", "{data}" }, 2, "choose what to look at: --class C, or --layer L with --channel K" },
        { "top-k: class and layer", new[] { "top-k", "--data", "{data}", "--class", "1", "--layer", "conv1" }, 2, "give either --class or --layer, not both" },
        { "top-k: k zero", new[] { "top-k", "--data", "{data}", "--class", "1", "--k", "0" }, 2, "--k must be at least 1" },
        { "top-k: wrong measure", new[] { "top-k", "--data", "{data}", "--class", "1", "--measure", "max" }, 2, "--measure max does not apply to --class: use logit or probability" },
        { "top-k: data with two channels", new[] { "top-k", "--data", "{array}", "--class", "1" }, 3, "wrong.npy" },
        { "visualize: unknown layer", new[] { "visualize", "--layer", "conv9", "--channel", "0" }, 2, "unknown layer 'conv9' in fmnist-cnn; closest: conv1" },
        { "visualize: channel out of range", new[] { "visualize", "--layer", "conv3", "--channel", "0-64" }, 2, "channel 64 is out of range: layer conv3 has 64 channels (0 to 63)" },
        { "visualize: class out of range", new[] { "visualize", "--class", "-1" }, 2, "class -1 is out of range: the model has 10 classes (0 to 9)" },
        { "visualize: not an index list", new[] { "visualize", "--class", "dress" }, 2, "class 'dress' is not a list of indices" },
        { "visualize: neuron outside the map", new[] { "visualize", "--layer", "conv2", "--channel", "1", "--neuron", "14,3" }, 2, "--neuron 14,3 is outside layer conv2's 14x14 map" },
        { "visualize: blur on the fourier form", new[] { "visualize", "--class", "1", "--blur-every", "4" }, 2, "blurring applies to the pixel parameterization" },
        { "visualize: bad start", new[] { "visualize", "--class", "1", "--init", "{missing}" }, 2, "not 'noise', 'constant', an existing image file or DATASET:INDEX" },
        { "visualize: start index out of range", new[] { "visualize", "--class", "1", "--init", "fashion-mnist:10000" }, 2, "index 10000 is out of range: Fashion-MNIST test split has images 0 to 9999" },
        { "visualize: missing start dataset", new[] { "visualize", "--class", "1", "--init", "{missing}:3" }, 3, "was not found" },
        { "visualize: unknown optimizer", new[] { "visualize", "--class", "1", "--optimizer", "sgd" }, 2, "--optimizer sgd: use adam or plain" },
        { "visualize: negative steps", new[] { "visualize", "--class", "1", "--steps", "-1" }, 2, "steps must be 0 or more" },
    };

    [Theory]
    [MemberData(nameof(UnderstandingCases))]
    public void UnderstandingCommandsFailWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        string data = folder.File("data.npy");
        using (var pixels = TorchSharp.torch.full(5, 1, 28, 28, 0.5f)) Lumen.Imaging.NpyFile.Write(data, pixels);
        string wrong = folder.File("wrong.npy");
        using (var pixels = TorchSharp.torch.full(5, 2, 28, 28, 0.5f)) Lumen.Imaging.NpyFile.Write(wrong, pixels);
        var values = new Dictionary<string, string> { ["{missing}"] = folder.File("missing"), ["{data}"] = data, ["{array}"] = wrong };
        string output = folder.File("out");
        var args = new List<string> { arguments[0], "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--steps", "2", "--out", output };
        if (arguments[0] == "top-k") args.RemoveRange(5, 2);
        args = Override(args, arguments.Skip(1).Select(a => a.Replace("{missing}", values["{missing}"], StringComparison.Ordinal)).Select(a => values.GetValueOrDefault(a, a)).ToList());

        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("lumen: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    public static TheoryData<string, string[], int, string> EmbedCases() => new()
    {
        { "nothing to embed", Array.Empty<string>(), 2, "Give the points to embed" },
        { "missing features", new[] { "--features", "{missing}" }, 3, "was not found" },
        { "features not 2-D", new[] { "--features", "{array}" }, 3, "must be a 2-D array [N, D]" },
        { "labels of another length", new[] { "--features", "{features}", "--labels", "{shortlabels}" }, 3, "hold 5 entries for 300 feature rows" },
        { "float labels", new[] { "--features", "{features}", "--labels", "{features}" }, 3, "must be a 1-D integer array" },
        { "perplexity too large", new[] { "--features", "{features}", "--perplexity", "200" }, 2, "Perplexity 200 is too large for 300 points" },
        { "unknown engine", new[] { "--features", "{features}", "--engine", "fast" }, 2, "--engine 'fast' is not known" },
        { "unknown method", new[] { "--features", "{features}", "--method", "umap" }, 2, "--method 'umap' is not known" },
        { "data without model", new[] { "--data", "{array}" }, 2, "--data needs --model" },
        { "labels with a dataset", new[] { "--model", "fmnist-cnn", "--data", "{array}", "--labels", "{shortlabels}" }, 2, "--labels colours a --features matrix" },
        { "unknown layer", new[] { "--model", "fmnist-cnn", "--data", "{images}", "--layer", "conv9" }, 2, "unknown layer 'conv9'" },
    };

    [Theory]
    [MemberData(nameof(EmbedCases))]
    public void EmbedFailsWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        var (features, _) = EmbedCommandTests.WriteBlobs(folder);
        string shortLabels = folder.File("short.npy");
        using (var labels = TorchSharp.torch.arange(5L)) Lumen.Imaging.NpyFile.Write(shortLabels, labels);
        string images = folder.File("images.npy");
        using (var pixels = TorchSharp.torch.zeros(12, 1, 28, 28)) Lumen.Imaging.NpyFile.Write(images, pixels);
        var values = new Dictionary<string, string>
        {
            ["{missing}"] = folder.File("missing.npy"),
            ["{array}"] = WrongArray(folder),
            ["{features}"] = features,
            ["{shortlabels}"] = shortLabels,
            ["{images}"] = images,
        };
        string output = folder.File("out");
        var args = new List<string> { "embed" };
        args.AddRange(arguments.Select(a => values.GetValueOrDefault(a, a)));
        args.AddRange(new[] { "--out", output });
        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("lumen: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    public static TheoryData<string, string[], int, string> HostileFileCases() => new()
    {
        { "pickle that calls os.system", new[] { "explain", "--weights", "{evil.pt}" }, 4, "asks for the Python global 'posix.system'" },
        { "safetensors header longer than the file", new[] { "explain", "--weights", "{long.safetensors}" }, 4, "its header claims 4294967296 bytes but only" },
        { "safetensors tensors overlapping", new[] { "explain", "--weights", "{overlap.safetensors}" }, 4, "overlaps the tensor before it" },
        { "safetensors of complex numbers", new[] { "explain", "--weights", "{complex.safetensors}" }, 4, "has dtype 'C64', which Lumen does not read" },
        { ".pt storage claiming more than its entry", new[] { "explain", "--weights", "{cut.pt}" }, 4, "but its zip entry holds" },
        { "image claiming 16000x16000 pixels", new[] { "explain", "--image", "{bomb.png}" }, 3, "decompression bomb" },
        { "image wider than 16384 pixels", new[] { "explain", "--image", "{wide.png}" }, 3, "above the limit of 16384 per side" },
        { "npy shape larger than its data", new[] { "explain", "--input", "{short.npy}" }, 3, "needs 6272 data bytes but the file holds 3136" },
        { "weights holding NaN", new[] { "explain", "--weights", "{nan.safetensors}" }, 4, "fmnist-cnn returned NaN or infinite outputs for image boot" },
        { "weights holding NaN, report", new[] { "report", "--weights", "{nan.safetensors}", "--image", "{boot.png}", "--method", "saliency" }, 4, "fmnist-cnn returned NaN or infinite outputs for image boot" },
        { "IDX dimensions larger than the data", new[] { "top-k", "--data", "{idx}", "--class", "1" }, 3, "need 3136000016 bytes but the file has" },
    };

    [Theory]
    [MemberData(nameof(HostileFileCases))]
    public void HostileFilesFailWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        var values = new Dictionary<string, string>
        {
            ["{evil.pt}"] = Path.Combine(Fixtures.WeightsFolder, "malicious.pt"),
            ["{long.safetensors}"] = Write(folder, "long.safetensors", SafetensorsClaiming(1L << 32)),
            ["{overlap.safetensors}"] = Write(folder, "overlap.safetensors", Reliability.FuzzSeeds.Handmade(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)),
            ["{complex.safetensors}"] = Write(folder, "complex.safetensors", Reliability.FuzzSeeds.Handmade(
                "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8)),
            ["{cut.pt}"] = Write(folder, "cut.pt", CutPt()),
            ["{bomb.png}"] = Write(folder, "bomb.png", PngClaiming(16000, 16000)),
            ["{wide.png}"] = Write(folder, "wide.png", PngClaiming(20000, 1)),
            ["{short.npy}"] = ShortNpy(folder),
            ["{idx}"] = IdxFolder(folder),
            ["{nan.safetensors}"] = EditedWeights(folder, "nan.safetensors", "fc.bias", float.NaN),
            ["{boot.png}"] = ExplainCommandTests.WriteSampleImage(folder, 0, "boot.png"),
        };
        string output = folder.File("out");
        var args = new List<string> { arguments[0], "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--out", output };
        if (arguments[0] == "explain") args.AddRange(new[] { "--method", "gradcam", "--layer", "conv3" });
        if (arguments[0] == "explain" && !arguments.Contains("--input")) args.AddRange(new[] { "--image", ExplainCommandTests.WriteSampleImage(folder, 0, "boot.png") });
        args = Override(args, arguments.Skip(1).Select(a => values.GetValueOrDefault(a, a)).ToList());

        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("lumen: ", line);
        Assert.True(line.Contains(message, StringComparison.Ordinal), $"{name}: {line}");
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    private static string Write(TempDirectory folder, string name, byte[] bytes)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] SafetensorsClaiming(long headerLength)
    {
        var bytes = Reliability.FuzzSeeds.Handmade("{}", 16);
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), headerLength);
        return bytes;
    }

    private static byte[] CutPt()
    {
        var fixture = File.ReadAllBytes(Path.Combine(Fixtures.WeightsFolder, "tiny_state_dict.pt"));
        var (pickle, others) = Reliability.FuzzSeeds.SplitPyTorch(fixture);
        return Reliability.FuzzSeeds.JoinPyTorch(pickle, others.Select(o => o.Name == "archive/data/0" ? (o.Name, o.Bytes[..8]) : o).ToList());
    }

    private static byte[] PngClaiming(int width, int height)
    {
        using var bitmap = new SkiaSharp.SKBitmap(1, 1);
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var png = data.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        Reliability.SafeLoaderTests.FixIhdrCrc(png);
        return png;
    }

    private static string ShortNpy(TempDirectory folder)
    {
        string path = folder.File("short.npy");
        using (var tensor = TorchSharp.torch.zeros(2, 1, 28, 28)) Lumen.Imaging.NpyFile.Write(path, tensor);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3136]);
        return path;
    }

    /// <summary>The reference weights with element 3 of <paramref name="key"/> set to <paramref name="value"/>.</summary>
    private static string EditedWeights(TempDirectory folder, string name, string key, float value)
    {
        string path = folder.File(name);
        using var model = Lumen.Models.ModelCatalog.Load("fmnist-cnn", Fixtures.FmnistWeights);
        using (TorchSharp.torch.no_grad())
        {
            model.Module.state_dict()[key].view(-1)[3] = TorchSharp.torch.tensor(value);
        }

        Lumen.Models.WeightLoader.Save(model.Module, path);
        return path;
    }

    private static string IdxFolder(TempDirectory folder)
    {
        string path = folder.File("idx");
        Directory.CreateDirectory(path);
        // 4,000,000 images of 28x28 claimed, 3 stored.
        byte[] header = [0, 0, 0x08, 3, 0x00, 0x3D, 0x09, 0x00, 0, 0, 0, 28, 0, 0, 0, 28];
        File.WriteAllBytes(Path.Combine(path, "t10k-images-idx3-ubyte"), [.. header, .. new byte[3 * 784]]);
        File.WriteAllBytes(Path.Combine(path, "t10k-labels-idx1-ubyte"), [0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2, 3]);
        return path;
    }

    public static TheoryData<string, string[], int, string> EvaluateCases() => new()
    {
        { "unknown metric", new[] { "--metric", "deletionn" }, 2, "unknown metric 'deletionn' (did you mean 'deletion'?); expected 'all' or one of deletion, insertion, pixel-flipping, faithfulness-correlation" },
        { "localisation metric without a region", new[] { "--metric", "relevance-rank" }, 2, "--metric relevance-rank: it needs the region known to matter (--mask FILE or --box x0,y0,x1,y1)" },
        { "mask and box", new[] { "--metric", "pointing-game", "--box", "1,1,5,5", "--mask", "{missing}" }, 2, "give the region with --mask or with --box, not both" },
        { "missing mask", new[] { "--metric", "pointing-game", "--mask", "{missing}" }, 3, "not found" },
        { "mask of four dimensions", new[] { "--metric", "pointing-game", "--mask", "{array}" }, 2, "has shape [2, 3, 28, 28]; expected [H, W] or [N, H, W]" },
        { "zero runs", new[] { "--metric", "faithfulness-correlation", "--runs", "1" }, 2, "--runs 1: faithfulness-correlation needs at least 2 random subsets" },
        { "percentage of 100", new[] { "--metric", "road", "--percentages", "50,100" }, 2, "--percentages 50,100: expected whole percentages from 1 to 99" },
        { "zero input shift", new[] { "--metric", "input-invariance", "--input-shift", "0" }, 2, "--input-shift 0: expected a non-zero number" },
        { "no noisy copies", new[] { "--metric", "max-sensitivity", "--samples", "0" }, 2, "--samples 0: expected at least one noisy copy per image" },
        { "zero noise radius", new[] { "--metric", "max-sensitivity", "--radius", "0" }, 2, "--radius 0: expected a positive noise radius" },
        { "unknown method", new[] { "--method", "randomm" }, 2, "unknown method 'randomm' (did you mean 'random'?)" },
        { "zero step", new[] { "--step", "0" }, 2, "--step 0: expected a positive whole number" },
        { "zero region", new[] { "--metric", "pixel-flipping", "--region", "0" }, 2, "--region 0: expected a positive whole number of pixels" },
        { "unknown replacement", new[] { "--replacement", "purple" }, 2, "--replacement purple: expected blur, blur:SIGMA, 0, a number, mean or a .npy file" },
        { "unknown score", new[] { "--score", "prob" }, 2, "--score prob: expected one of logit, probability, log-probability" },
        { "zero batch size", new[] { "--batch-size", "0" }, 2, "--batch-size 0: expected a positive number" },
        { "class out of range", new[] { "--target", "10" }, 2, "target class 10 is out of range" },
        { "method setting of another method", new[] { "--method", "random", "--param", "window=4" }, 2, "method 'random' has no setting 'window'" },
        { "no input", new[] { "{noinput}" }, 2, "give the images with --image" },
        { "missing image", new[] { "--image", "{missing}" }, 3, "not found" },
        { "wrong array shape", new[] { "--input", "{array}" }, 2, "input shape [2, 3, 28, 28] does not fit fmnist-cnn" },
    };

    [Theory]
    [MemberData(nameof(EvaluateCases))]
    public void EvaluateFailsWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        var values = new Dictionary<string, string>
        {
            ["{missing}"] = folder.File("missing.png"),
            ["{image}"] = ExplainCommandTests.WriteSampleImage(folder, 0, "boot.png"),
            ["{array}"] = WrongArray(folder),
        };
        var args = new List<string> { "evaluate", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--method", "random", "--metric", "deletion" };
        if (!arguments.Contains("--image") && !arguments.Contains("--input") && !arguments.Contains("{noinput}")) args.AddRange(new[] { "--image", values["{image}"] });
        args = Override(args, arguments.Where(a => a != "{noinput}").Select(a => values.GetValueOrDefault(a, a)).ToList());
        string output = folder.File("out");
        args.AddRange(new[] { "--out", output });

        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("lumen: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    public static TheoryData<string, string[], int, string> SprayCases() => new()
    {
        { "class out of range", new[] { "--class", "10" }, 2, "--class 10 is out of range: the model has 10 classes (0 to 9)" },
        { "too many neighbours", new[] { "--neighbours", "5" }, 2, "--neighbours 5: expected fewer than the 5 images of class 6" },
        { "too few images", new[] { "--limit", "2" }, 2, "--limit 2: SpRAy needs at least 3 images" },
        { "unknown method", new[] { "--method", "lrpp" }, 2, "unknown method 'lrpp' (did you mean 'lrp'?)" },
        { "zero pooled size", new[] { "--grid", "0" }, 2, "--grid 0: expected a positive number of cells per side" },
        { "missing data", new[] { "--data", "{missing}" }, 3, "was not found" },
    };

    [Theory]
    [MemberData(nameof(SprayCases))]
    public void SprayFailsWithOneLineAndNoOutput(string name, string[] arguments, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        string data = folder.File("data.npy");
        using (var pixels = TorchSharp.torch.rand(5, 1, 28, 28)) Lumen.Imaging.NpyFile.Write(data, pixels);
        var values = new Dictionary<string, string> { ["{missing}"] = folder.File("missing.npy") };
        var args = new List<string> { "spray", "--model", "fmnist-cnn", "--weights", Fixtures.FmnistWeights, "--data", data, "--class", "6", "--neighbours", "2" };
        args = Override(args, arguments.Select(a => values.GetValueOrDefault(a, a)).ToList());
        string output = folder.File("out");
        args.AddRange(new[] { "--out", output });

        var result = CliRunner.Run(args.ToArray());

        Assert.True(exitCode == result.ExitCode, $"{name}: exit {result.ExitCode}, stderr: {result.Error}");
        string line = result.Error.TrimEnd('\n').Split('\n').Last();
        Assert.StartsWith("lumen: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{name}: output files were written");
    }

    [Fact]
    public void VerbosePrintsTheStackTrace()
    {
        var result = CliRunner.Run("layers", "--model", "nope", "--verbose");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at Lumen.", result.Error);
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var result = CliRunner.Run("explain", "--modle", "fmnist-cnn");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("lumen: ", result.Error);
    }

    /// <summary>Replaces options of <paramref name="defaults"/> that <paramref name="overrides"/> sets again.</summary>
    private static List<string> Override(List<string> defaults, List<string> overrides)
    {
        var result = new List<string>();
        var overridden = overrides.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        for (int i = 0; i < defaults.Count; i++)
        {
            if (defaults[i].StartsWith("--", StringComparison.Ordinal) && overridden.Contains(defaults[i])) { i++; continue; }
            result.Add(defaults[i]);
        }
        result.AddRange(overrides);
        return result;
    }

    private static string Truncated(TempDirectory folder)
    {
        string full = ExplainCommandTests.WriteSampleImage(folder, 1, "full.png");
        byte[] bytes = File.ReadAllBytes(full);
        string path = folder.File("truncated.png");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    private static string Text(TempDirectory folder)
    {
        string path = folder.File("text.png");
        File.WriteAllText(path, "this is not an image");
        return path;
    }

    private static string WrongArray(TempDirectory folder)
    {
        string path = folder.File("wrong.npy");
        using var tensor = TorchSharp.torch.zeros(2, 3, 28, 28);
        Lumen.Imaging.NpyFile.Write(path, tensor);
        return path;
    }
}
