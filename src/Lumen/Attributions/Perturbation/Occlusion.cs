using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Perturbation.Incremental;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Occlusion (Zeiler &amp; Fergus 2014) with Captum's semantics: a window of <see cref="Window"/> pixels (all channels)
/// slides over the image with <see cref="Stride"/>, starting at 0, ⌈(D − w) / s⌉ + 1 positions per dimension (the
/// last one may be cut off by the border); each position replaces the window by the <see cref="Replacement"/> and
/// scores the copy. Every element gets the mean, over the windows covering it, of f(x) − f(x occluded). The output
/// has the input's shape [N, C, H, W] (equal over channels). Copies run through the shared <see cref="BatchedEvaluator"/>,
/// either as full forward passes or incrementally (<see cref="OcclusionEngine"/>): a window changes only a cone of
/// each layer's activations, so for each image the unoccluded activations are computed once and each copy recomputes
/// only its changed regions (<see cref="IncrementalPlanCompiler"/> lists the layers this works with).
/// </summary>
public sealed class Occlusion : IAttributionMethod
{
    private readonly BatchedEvaluator evaluator;
    private readonly IncrementalPlan? plan;

    /// <summary>Creates occlusion.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="window">The window in pixels; null for <see cref="OcclusionDefaults.Window"/> of each input's size.</param>
    /// <param name="stride">
    /// The step between window positions; at most the window in each dimension (as Captum requires); null for
    /// <see cref="OcclusionDefaults.Stride"/>, half the window.
    /// </param>
    /// <param name="replacement">What the window is filled with; null for zeros.</param>
    /// <param name="options">Batch size, output (default logit), progress, cancellation; null for defaults.</param>
    /// <param name="engine">
    /// How copies are evaluated: <see cref="OcclusionEngine.Auto"/> (default) runs incrementally when the model compiles
    /// to an <see cref="IncrementalPlan"/>, with full passes otherwise; <see cref="OcclusionEngine.Incremental"/> on a
    /// model that does not compile is a usage error naming the module.
    /// </param>
    public Occlusion(ExplainableModel model, WindowShape? window, WindowShape? stride, Baseline? replacement = null, EvaluationOptions? options = null,
        OcclusionEngine engine = OcclusionEngine.Auto)
    {
        if (window is { } w && stride is { } s) RequireStrideWithin(w, s);
        Window = window;
        Stride = stride;
        Replacement = replacement ?? Baseline.Zero;
        evaluator = new BatchedEvaluator(model, options ?? new EvaluationOptions());
        if (engine != OcclusionEngine.Full)
        {
            var compilation = IncrementalPlanCompiler.Compile(model);
            if (engine == OcclusionEngine.Incremental && !compilation.IsSupported)
                throw LumenException.Usage($"occlusion engine=incremental does not support {model.Name}: {compilation.Unsupported}; use --param engine=full");
            plan = compilation.Plan;
        }
        Engine = plan is null ? OcclusionEngine.Full : OcclusionEngine.Incremental;
    }

    /// <summary>The command-line names of the engines, in enum order.</summary>
    public static IReadOnlyList<string> EngineNames { get; } = new[] { "auto", "incremental", "full" };

    /// <summary>The engine used: <see cref="OcclusionEngine.Incremental"/> or <see cref="OcclusionEngine.Full"/>.</summary>
    public OcclusionEngine Engine { get; }

    /// <summary>The window size; null when <see cref="OcclusionDefaults.Window"/> chooses it from each input's size.</summary>
    public WindowShape? Window { get; }

    /// <summary>The step between window positions; null for half the window (<see cref="OcclusionDefaults.Stride"/>).</summary>
    public WindowShape? Stride { get; }

    /// <summary>What the window is filled with.</summary>
    public Baseline Replacement { get; }

    /// <inheritdoc />
    public string Name => "occlusion";

    /// <inheritdoc />
    /// <remarks>A window or stride chosen from the input's size reads <c>auto</c> here; an attribution records the values used.</remarks>
    public IReadOnlyDictionary<string, string> Settings => SettingsOf(Window?.ToString() ?? "auto", Stride?.ToString() ?? "auto");

    /// <summary>The window and stride used for an input of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public (WindowShape Window, WindowShape Stride) Resolve(int height, int width)
    {
        var window = Window ?? OcclusionDefaults.Window(height, width);
        var stride = Stride ?? OcclusionDefaults.Stride(window);
        RequireStrideWithin(window, stride);
        return (window, stride);
    }

    private static void RequireStrideWithin(WindowShape window, WindowShape stride)
    {
        if (stride.Height > window.Height || stride.Width > window.Width)
            throw LumenException.Usage($"occlusion stride {stride} is larger than the window {window}: pixels between windows would be skipped; use a stride of at most the window");
    }

    private Dictionary<string, string> SettingsOf(string window, string stride) => new()
    {
        ["window"] = window,
        ["stride"] = stride,
        ["baseline"] = Replacement.Description,
        ["output"] = evaluator.Options.OutputName,
        ["batch-size"] = evaluator.Options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["engine"] = EngineNames[(int)Engine],
    };

    /// <summary>The window starts along a dimension of <paramref name="size"/> elements, as Captum places them.</summary>
    public static int[] Starts(int size, int window, int stride)
    {
        if (window > size) throw LumenException.Usage($"occlusion window {window} is larger than the image ({size} pixels); use a smaller --param window=");
        int count = (int)Math.Ceiling((size - window) / (double)stride) + 1;
        return Enumerable.Range(0, count).Select(i => i * stride).ToArray();
    }

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        evaluator.Model.ValidateInput(input);
        using var scope = NewDisposeScope();
        int height = (int)input.shape[2], width = (int)input.shape[3];
        var (window, stride) = Resolve(height, width);
        int[] rows = Starts(height, window.Height, stride.Height);
        int[] columns = Starts(width, window.Width, stride.Width);
        var windows = rows.SelectMany(r => columns.Select(c => (Row: r, Column: c,
            Height: Math.Min(window.Height, height - r), Width: Math.Min(window.Width, width - c)))).ToArray();
        var resolved = evaluator.Resolve(input, target);
        Tensor replacement = Replacement.For(input);
        var boxes = windows.Select(w => (w.Row, w.Column, w.Height, w.Width)).ToArray();
        float[] scores;
        if (plan is null)
        {
            scores = evaluator.Evaluate(resolved, new WindowPerturbations(input, replacement, boxes)).data<float>().ToArray();
        }
        else
        {
            using var executor = new IncrementalExecutor(new OcclusionSchedule(plan, height, width, boxes), input, replacement);
            scores = evaluator.Evaluate(resolved, executor).data<float>().ToArray();
        }

        int images = resolved.Classes.Length;
        var sums = new double[images * height * width];
        var covers = new int[height * width];
        foreach (var w in windows)
            for (int r = w.Row; r < w.Row + w.Height; r++)
                for (int c = w.Column; c < w.Column + w.Width; c++) covers[r * width + c]++;
        for (int n = 0; n < images; n++)
        {
            for (int k = 0; k < windows.Length; k++)
            {
                var w = windows[k];
                double delta = resolved.Scores[n] - scores[n * windows.Length + k];
                for (int r = w.Row; r < w.Row + w.Height; r++)
                    for (int c = w.Column; c < w.Column + w.Width; c++) sums[(n * height + r) * width + c] += delta;
            }
        }
        var map = new float[sums.Length];
        for (int i = 0; i < sums.Length; i++) map[i] = (float)(sums[i] / covers[i % (height * width)]);
        Tensor values = torch.tensor(map, dtype: ScalarType.Float32).reshape(images, 1, height, width)
            .expand(input.shape).to(input.device).contiguous();
        return new Attribution(values, Name, resolved.Classes, resolved.Logits, SettingsOf(window.ToString(), stride.ToString()));
    }

    private sealed class WindowPerturbations : IPerturbations
    {
        private readonly Tensor input;
        private readonly Tensor replacement;
        private readonly (int Row, int Column, int Height, int Width)[] windows;

        public WindowPerturbations(Tensor input, Tensor replacement, (int, int, int, int)[] windows)
        {
            this.input = input;
            this.replacement = replacement;
            this.windows = windows;
        }

        public long PerImage => windows.Length;

        public Tensor Build(int image, long first, long count)
        {
            Tensor copies = input[image].unsqueeze(0).repeat(count, 1, 1, 1);
            Tensor fill = replacement[image];
            for (long k = 0; k < count; k++)
            {
                var (row, column, height, width) = windows[first + k];
                copies[k].narrow(1, row, height).narrow(2, column, width)
                    .copy_(fill.narrow(1, row, height).narrow(2, column, width));
            }
            return copies;
        }
    }
}
