using Lumen.Imaging;
using Lumen.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models;

/// <summary>
/// A classifier ready to be explained: a TorchSharp module that maps a batch of images [N, C, H, W] to
/// logits [N, K], with the input shape it expects, its class labels and its named layers.
/// Wrapping puts the module in evaluation mode and stops gradients to its parameters (explanations
/// differentiate with respect to inputs and activations only). The model stays on the device its module is on
/// (the CPU unless moved); <see cref="To"/> moves it, and its input must be on the same device.
/// </summary>
public sealed class ExplainableModel : IDisposable
{
    private readonly bool ownsModule;
    private readonly Dictionary<string, nn.Module> layers;
    private readonly IReadOnlyDictionary<string, string> aliases;
    private IReadOnlyList<string>? classLabels;
    private bool? acceptsChannelsLast;

    /// <summary>Wraps <paramref name="module"/>.</summary>
    /// <param name="module">A module returning logits; child modules must be invoked with <c>call</c> to be observable.</param>
    /// <param name="name">A name for messages and reports, e.g. <c>fmnist-cnn</c>.</param>
    /// <param name="inputShape">The shape of one input image, [C, H, W].</param>
    /// <param name="classLabels">One label per class, or null to name classes by their index.</param>
    /// <param name="preprocessing">How image files become model input; null for [0, 1] pixels resized and cropped to the input shape.</param>
    /// <param name="ownsModule">Whether disposing this model disposes <paramref name="module"/>.</param>
    public ExplainableModel(nn.Module<Tensor, Tensor> module, string name, IReadOnlyList<long> inputShape,
        IReadOnlyList<string>? classLabels = null, ImagePreprocessing? preprocessing = null, bool ownsModule = true)
    {
        if (inputShape.Count != 3 || inputShape.Any(d => d <= 0))
            throw LumenException.Usage($"input shape must be [C, H, W] with positive sizes, got [{string.Join(", ", inputShape)}]");
        Module = module;
        Name = name;
        InputShape = inputShape.ToArray();
        this.classLabels = classLabels;
        Preprocessing = preprocessing ?? DefaultPreprocessing(InputShape);
        this.ownsModule = ownsModule;
        module.eval();
        foreach (var parameter in module.parameters()) parameter.requires_grad = false;
        var ordered = new List<(string Name, nn.Module Module)>();
        CollectDepthFirst(module, "", ordered);
        layers = ordered.ToDictionary(entry => entry.Name, entry => entry.Module, StringComparer.Ordinal);
        LayerNames = ordered.Select(entry => entry.Name).ToList();
        aliases = module is ILayerAliases named ? named.LayerAliases : new Dictionary<string, string>();
        Device = ComputeDevice.Of(module);
    }

    /// <summary>The device the model's parameters live on; inputs must be on it too.</summary>
    public ComputeDevice Device { get; private set; }

    /// <summary>
    /// Moves the model to <paramref name="device"/> (nothing happens when it is there already) and returns it. A device
    /// that does not exist here is a usage error saying why; a model run by ONNX Runtime stays on the CPU, so moving
    /// it elsewhere is refused.
    /// </summary>
    public ExplainableModel To(ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device == Device) return this;
        if (Module is Onnx.OnnxRuntimeModule)
            throw LumenException.Usage($"{Name} runs on ONNX Runtime, which Lumen runs on the CPU only; use device cpu (or a model the ONNX importer can build)");
        device.EnsureAvailable();
        Module.to(device.Torch);
        foreach (var parameter in Module.parameters()) parameter.requires_grad = false;
        Device = device;
        return this;
    }

    /// <summary>The wrapped module.</summary>
    public nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>The model's name, e.g. <c>resnet18</c>.</summary>
    public string Name { get; }

    /// <summary>The shape of one input image, [C, H, W].</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>How image files are turned into input for this model (size, colour, scaling, mean and std).</summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The names of all layers (sub-modules) depth-first in registration order, e.g. <c>conv1</c>, <c>layer1.0.conv1</c>.</summary>
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>The number of classes, found by one forward pass the first time it is asked for.</summary>
    public int ClassCount => ClassLabels.Count;

    /// <summary>One label per class (the class index as text when the model has no labels).</summary>
    public IReadOnlyList<string> ClassLabels
    {
        get
        {
            if (classLabels is not null) return classLabels;
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var logits = Forward(torch.zeros(InputShapeWithBatch(1), device: Device.Torch));
            classLabels = Enumerable.Range(0, (int)logits.shape[1]).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            return classLabels;
        }
    }

    /// <summary>
    /// Names the classes with <paramref name="labels"/>, replacing any labels the model had. Their count must equal the
    /// number of the model's outputs (one forward pass finds it), else a usage error naming both counts and
    /// <paramref name="source"/> (e.g. <c>--labels names.txt</c>).
    /// </summary>
    public void UseClassLabels(IReadOnlyList<string> labels, string source)
    {
        ArgumentNullException.ThrowIfNull(labels);
        long found;
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            found = Forward(torch.zeros(InputShapeWithBatch(1), device: Device.Torch)).shape[1];
        }
        if (labels.Count != found)
            throw LumenException.Usage($"{source} lists {labels.Count} class names, but the model {Name} returns {found} classes");
        classLabels = labels.ToArray();
    }

    /// <summary>The label of class <paramref name="classIndex"/>, or its index when out of range.</summary>
    public string LabelOf(long classIndex) =>
        classIndex >= 0 && classIndex < ClassLabels.Count ? ClassLabels[(int)classIndex] : classIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The input shape with a batch dimension in front: [N, C, H, W].</summary>
    public long[] InputShapeWithBatch(long batch) => new[] { batch }.Concat(InputShape).ToArray();

    /// <summary>
    /// The layer called <paramref name="name"/> (its module name, or another name the module gives it through
    /// <see cref="ILayerAliases"/>, such as an ONNX node or output name); an unknown name is a usage error that lists
    /// the closest names.
    /// </summary>
    public nn.Module ResolveLayer(string name) => layers[LayerName(name)];

    /// <summary>The module name of the layer called <paramref name="name"/> (a module name or an alias); an unknown name is a usage error.</summary>
    public string LayerName(string name)
    {
        if (layers.ContainsKey(name)) return name;
        if (aliases.TryGetValue(name, out string? layer) && layers.ContainsKey(layer)) return layer;
        var closest = NameSuggestions.Closest(name, LayerNames.Concat(aliases.Keys));
        throw LumenException.Usage($"unknown layer '{name}' in {Name}; closest: {string.Join(", ", closest)} (run 'lumen layers --model {Name}' for all)");
    }

    /// <summary>
    /// Starts recording the outputs of the named layers; dispose the result to remove the hooks.
    /// </summary>
    public LayerCapture Capture(params string[] layerNames) =>
        new(layerNames.Select(name => (name, ResolveLayer(name))).ToList());

    /// <summary>Checks that <paramref name="input"/> is a float batch [N, C, H, W] of the expected shape, on the model's device.</summary>
    public void ValidateInput(Tensor input)
    {
        bool fits = input.dim() == 4 && input.shape[0] > 0 && input.shape.Skip(1).SequenceEqual(InputShape);
        if (!fits)
            throw LumenException.Usage($"input shape {MessageText.Shape(input.shape)} does not fit {Name}: expected [N, {string.Join(", ", InputShape)}]");
        if (input.dtype != ScalarType.Float32)
            throw LumenException.Usage($"input dtype {input.dtype} does not fit {Name}: expected float32");
        if (!Device.Holds(input))
            throw LumenException.Usage($"the input is on {input.device} but {Name} is on {Device}; move it with input.to(model.Device.Torch)");
    }

    /// <summary>
    /// The logits [N, K] for a batch [N, C, H, W] (or, for a segmentation model, per-pixel logits [N, K, h, w]), with the
    /// autograd graph if gradients are enabled.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        ValidateInput(input);
        Tensor logits = Call(input);
        if (logits.dim() is not (2 or 4) || logits.shape[0] != input.shape[0])
            throw LumenException.Model($"{Name} returned shape [{string.Join(", ", logits.shape)}] for {input.shape[0]} images; explanations need logits [N, classes] (or [N, classes, H, W] for segmentation)");
        return logits;
    }

    /// <summary>
    /// Runs the module on <paramref name="input"/> laid out channels-last (<see cref="MemoryLayout"/>). A module that
    /// cannot take that layout (one that calls <c>view</c> where <c>reshape</c> would do) fails on its first such
    /// batch with libtorch's "view size is not compatible" error; the batch is then run as given, and so is every
    /// later one. The logits are the same either way.
    /// </summary>
    private Tensor Call(Tensor input)
    {
        if (acceptsChannelsLast == false) return Module.call(input);
        Tensor laidOut = MemoryLayout.ForConvolutions(input, Module is Onnx.OnnxRuntimeModule);
        if (ReferenceEquals(laidOut, input) || acceptsChannelsLast == true) return Module.call(laidOut);
        try
        {
            Tensor logits = Module.call(laidOut);
            acceptsChannelsLast = true;
            return logits;
        }
        catch (Exception error) when (MemoryLayout.IsLayoutError(error))
        {
            acceptsChannelsLast = false;
            return Module.call(input);
        }
    }

    /// <summary>The logits for a batch of any size, computed without gradients in chunks of <paramref name="batchSize"/>.</summary>
    public Tensor Predict(Tensor input, int batchSize = 64)
    {
        if (batchSize <= 0) throw LumenException.Usage($"batch size must be positive, got {batchSize}");
        ValidateInput(input);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var chunks = new List<Tensor>();
        for (long start = 0; start < input.shape[0]; start += batchSize)
        {
            long length = Math.Min(batchSize, input.shape[0] - start);
            chunks.Add(Forward(input.narrow(0, start, length)));
        }
        return torch.cat(chunks, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Every layer with its type and output shape for one image, found by one forward pass on zeros.</summary>
    public IReadOnlyList<LayerInfo> DescribeLayers()
    {
        using var capture = new LayerCapture(LayerNames
            .Where(name => layers[name] is nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor>)
            .Select(name => (name, layers[name])).ToList());
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            Forward(torch.zeros(InputShapeWithBatch(1), device: Device.Torch));
        }
        return LayerNames.Select(name => new LayerInfo(
                name,
                TypeName(layers[name]),
                capture.Fired(name) ? capture[name].shape.Skip(1).ToArray() : null,
                (Module as ILayerAliases)?.SourceName(name)))
            .ToList();
    }

    /// <summary>How the module's output becomes scores, e.g. <c>output [N, 512, 1, 1] read as 512 scores</c>.</summary>
    public string OutputReading => Module is IOutputReading reading ? reading.OutputReading : $"output [N, {ClassCount}] read as {ClassCount} scores";

    /// <summary>Sub-modules in PyTorch's named_modules order: each module, then its children's subtrees.</summary>
    private static void CollectDepthFirst(nn.Module parent, string prefix, List<(string Name, nn.Module Module)> into)
    {
        foreach (var (name, child) in parent.named_children())
        {
            string full = prefix.Length == 0 ? name : $"{prefix}.{name}";
            into.Add((full, child));
            CollectDepthFirst(child, full, into);
        }
    }

    /// <summary>The preprocessing of a model that names none: [0, 1] pixels, grey or RGB by channel count, resized and cropped to the input size.</summary>
    internal static ImagePreprocessing DefaultPreprocessing(IReadOnlyList<long> shape) => new()
    {
        ColorMode = shape[0] == 1 ? ColorMode.Grey : ColorMode.Rgb,
        Resize = (int)Math.Min(shape[1], shape[2]),
        CenterCrop = new CropSize((int)shape[1], (int)shape[2]),
    };

    private static string TypeName(nn.Module module)
    {
        string name = module.GetType().Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    /// <summary>Disposes the module if this model owns it.</summary>
    public void Dispose()
    {
        if (ownsModule) Module.Dispose();
    }
}
