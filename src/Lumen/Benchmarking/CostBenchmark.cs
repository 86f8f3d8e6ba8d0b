using Lumen.Attributions;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Benchmarking;

/// <summary>
/// Measures what methods cost on a model, as ratios to the model's own passes timed in the same run: every timed
/// method call is preceded by one forward + backward pass and one forward pass of the same images, so slow drifts of
/// a busy machine affect the method and its units alike. Inputs are random pixels in [0, 1] (seeded), normalised
/// as the model's preprocessing says; the target is the predicted class. Each timing averages back-to-back calls
/// over at least 50 ms, so that passes of small models are measured too.
/// </summary>
public sealed class CostBenchmark : IDisposable
{
    private readonly ExplainableModel model;
    private readonly CostOptions options;
    private readonly Tensor input;

    /// <summary>Prepares the random input images.</summary>
    public CostBenchmark(ExplainableModel model, CostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.options = options ?? new CostOptions();
        this.options.Validate();
        this.model = model;
        input = RandomImages(model, this.options.Images, this.options.Seed);
    }

    /// <summary>Times <paramref name="method"/> (one warm-up call, then <see cref="CostOptions.Repeats"/> timed calls).</summary>
    public MethodCost Measure(IAttributionMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        string settings = "";
        var own = new List<double>();
        var forwardBackward = new List<double>();
        var forward = new List<double>();
        for (int run = 0; run <= options.Repeats; run++)
        {
            double fb = WallClock.Time(ForwardBackwardPass);
            double f = WallClock.Time(ForwardPass);
            double m = WallClock.Time(() =>
            {
                using var attribution = method.Attribute(input, Target.Predicted);
                settings = string.Join(", ", attribution.Settings.Select(pair => $"{pair.Key}={pair.Value}"));
            });
            if (run == 0) continue; // warm-up: first calls build caches, plans and allocator pools
            own.Add(m);
            forwardBackward.Add(fb);
            forward.Add(f);
        }

        return new MethodCost(method.Name, settings, WallClock.Median(own), WallClock.Median(forwardBackward), WallClock.Median(forward));
    }

    /// <summary>Plain inference speed at each of <see cref="CostOptions.BatchSizes"/>.</summary>
    public IReadOnlyList<Throughput> MeasureThroughput()
    {
        var rows = new List<Throughput>();
        foreach (int batch in options.BatchSizes)
        {
            using var images = RandomImages(model, batch, options.Seed);
            var times = new List<double>();
            for (int run = 0; run <= options.Repeats; run++)
            {
                double t = WallClock.Time(() =>
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    model.Forward(images);
                });
                if (run > 0) times.Add(t);
            }

            rows.Add(new Throughput(batch, WallClock.Median(times)));
        }

        return rows;
    }

    /// <inheritdoc />
    public void Dispose() => input.Dispose();

    private void ForwardBackwardPass()
    {
        using var scope = NewDisposeScope();
        using var grad = torch.enable_grad();
        var leaf = input.detach().clone().requires_grad_(true);
        var score = model.Forward(leaf).max(1).values.sum();
        torch.autograd.grad([score], [leaf]);
    }

    private void ForwardPass()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.Forward(input);
    }

    private static Tensor RandomImages(ExplainableModel model, int count, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed);
        var pixels = torch.rand([count, .. model.InputShape], generator: generator);
        var p = model.Preprocessing;
        if (p.Mean is { } mean && p.Std is { } std && mean.Length == pixels.shape[1] && std.Length == pixels.shape[1])
        {
            pixels = (pixels - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1);
        }

        // Drawn on the CPU (the same images on every device), then put where the model is.
        return pixels.to(model.Device.Torch).MoveToOuterDisposeScope();
    }
}
