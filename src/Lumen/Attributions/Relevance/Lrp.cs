using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Layer-wise relevance propagation (Bach et al. 2015) with Zennit's rules, composites and canonizers: the target's
/// relevance (one-hot × output, or a tensor you give) is propagated back layer by layer with the rule the
/// <see cref="Composite"/> assigns, in one forward and one modified backward pass for the whole batch. Every result
/// carries a <see cref="ConservationReport"/>. The user's model is never modified.
/// </summary>
public sealed class Lrp : IAttributionMethod
{
    private readonly ExplainableModel model;
    private readonly IReadOnlyList<ICanonizer> canonizers;
    private readonly IReadOnlyCollection<Type> trustedContainers;

    /// <summary>Creates LRP for <paramref name="model"/>, checking that every layer is supported.</summary>
    /// <param name="model">The model; every leaf layer must be a supported type invoked with <c>call</c>.</param>
    /// <param name="composite">Which rule each layer gets; null for <see cref="Composites.EpsilonPlusFlat"/>.</param>
    /// <param name="canonizers">Canonizers applied before propagation; null for <see cref="MergeBatchNorm"/>.</param>
    /// <param name="trustedContainers">Container module types whose forward calls only modules with <c>call</c> (besides Sequential and Lumen's architectures).</param>
    public Lrp(ExplainableModel model, Composite? composite = null, IEnumerable<ICanonizer>? canonizers = null, IEnumerable<Type>? trustedContainers = null)
    {
        this.model = model;
        Composite = composite ?? Composites.EpsilonPlusFlat();
        this.canonizers = (canonizers ?? new ICanonizer[] { new MergeBatchNorm() }).ToList();
        this.trustedContainers = (trustedContainers ?? Array.Empty<Type>()).ToHashSet();
        using var canonical = new CanonizedModel(model, this.canonizers);
        LrpPlan.Build(canonical, Composite, this.trustedContainers);
    }

    /// <summary>The rule assignment.</summary>
    public Composite Composite { get; }

    /// <inheritdoc />
    public string Name => "lrp";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["composite"] = Composite.Name,
        ["rules"] = Composite.Describe(),
        ["canonizers"] = string.Join(",", canonizers.Select(c => c.Name)),
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target) => Explain(input, target).Attribution;

    /// <summary>
    /// Explains <paramref name="target"/> for every image of <paramref name="input"/> [N, C, H, W].
    /// </summary>
    /// <param name="input">Model-ready images.</param>
    /// <param name="target">What to explain; its score's relevance starts as logits ⊙ ∂score/∂logits (one-hot × output for a class).</param>
    /// <param name="initialRelevance">Optional relevance to start from instead, shaped like the logits [N, K].</param>
    /// <param name="layerSums">Whether to report the relevance sum at every layer's output.</param>
    public LrpResult Explain(Tensor input, Target target, Tensor? initialRelevance = null, bool layerSums = false)
    {
        model.ValidateInput(input);
        using var canonical = new CanonizedModel(model, canonizers);
        var plan = LrpPlan.Build(canonical, Composite, trustedContainers);
        using var scope = torch.NewDisposeScope();
        using var gradients = torch.enable_grad();
        Tensor leaf = input.detach().clone().requires_grad_(true);
        using var hooks = new RelevanceHooks(canonical, plan, layerSums);
        Tensor logits = model.Forward(leaf);
        hooks.CheckAllFired();
        long[] targets = target.ResolveClasses(logits);
        Tensor scores = target.Score(logits);
        Tensor initial = InitialRelevance(logits, scores, initialRelevance);
        var sources = new List<Tensor> { leaf };
        sources.AddRange(hooks.Outputs.Select(entry => entry.Output));
        var relevances = torch.autograd.grad(new[] { logits }, sources, new[] { initial }, retain_graph: false, create_graph: false, allow_unused: true);
        Tensor relevance = relevances[0];
        var layers = hooks.Outputs.Select((entry, i) => new LayerRelevance(entry.Name, SumPerImage(relevances[i + 1], input.shape[0]))).ToList();
        var report = new ConservationReport(SumPerImage(initial, input.shape[0]), SumPerImage(relevance, input.shape[0]), layers);
        float[] scoreValues = scores.detach().cpu().data<float>().ToArray();
        var extras = new Dictionary<string, IReadOnlyList<double>>
        {
            ["relevance_output"] = report.OutputRelevance,
            ["relevance_input"] = report.InputRelevance,
        };
        foreach (var layer in layers) extras[$"relevance_layer:{layer.Layer}"] = layer.Sums;
        return new LrpResult(new Attribution(relevance, Name, targets, scoreValues, Settings, extras: extras), report);
    }

    private static Tensor InitialRelevance(Tensor logits, Tensor scores, Tensor? given)
    {
        if (given is null)
        {
            Tensor selector = torch.autograd.grad(new[] { scores.sum() }, new[] { logits }, retain_graph: true)[0];
            return selector * logits.detach();
        }
        if (!given.shape.SequenceEqual(logits.shape))
            throw LumenException.Usage($"the initial relevance has shape [{string.Join(", ", given.shape)}]; it must match the logits [{string.Join(", ", logits.shape)}]");
        return given.detach().to(logits.dtype, logits.device);
    }

    private static IReadOnlyList<double> SumPerImage(Tensor? values, long images)
    {
        if (values is null || values.IsInvalid) return Enumerable.Repeat(0.0, (int)images).ToList(); // no relevance reached it (a gate branch)
        using var sums = values.detach().to_type(ScalarType.Float64).reshape(images, -1).sum(dim: 1);
        return sums.cpu().data<double>().ToArray();
    }
}
