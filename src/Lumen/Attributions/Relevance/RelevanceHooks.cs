using Lumen.Models.Architectures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>
/// Forward hooks that make one autograd backward pass compute LRP (Zennit's "modified gradient"): each hooked layer
/// returns its own output value y, but wired to its input through the rule's modified forward pass h, as
/// y.detach() + (h − h.detach()). The backward pass of h turns the relevance arriving at the output into the
/// rule's relevance at the input, so relevance, not gradient, flows backwards. Removed on dispose.
/// </summary>
internal sealed class RelevanceHooks : IDisposable
{
    private readonly CanonizedModel model;
    private readonly IReadOnlyDictionary<nn.Module, (string Name, ILrpRule? Rule)> plan;
    private readonly bool record;
    private readonly List<Action> removers = new();
    private readonly HashSet<string> fired = new(StringComparer.Ordinal);
    private readonly Dictionary<nn.Module, Tensor> lastOutputs = new(ReferenceEqualityComparer.Instance);

    /// <summary>Attaches hooks to every leaf layer of <paramref name="model"/> with the rules of <paramref name="plan"/>.</summary>
    public RelevanceHooks(CanonizedModel model, IReadOnlyDictionary<nn.Module, (string Name, ILrpRule? Rule)> plan, bool record)
    {
        this.model = model;
        this.plan = plan;
        this.record = record;
        foreach (var (module, _) in plan) Attach(module);
    }

    /// <summary>The output of each layer in the last forward pass (if recording), in the order the layers ran.</summary>
    public List<(string Name, Tensor Output)> Outputs { get; } = new();

    /// <summary>Throws a model error naming the first layer that did not run through <c>call</c> in the forward pass.</summary>
    public void CheckAllFired()
    {
        foreach (var (_, (name, _)) in plan)
        {
            if (!fired.Contains(name))
                throw LumenException.Model($"layer '{name}' did not run through call() in the forward pass, so LRP cannot apply its rule; invoke every layer with call() (forward() bypasses hooks)");
        }
    }

    private void Attach(nn.Module module)
    {
        switch (module)
        {
            case nn.Module<Tensor, Tensor> single:
                removers.Add(single.register_forward_hook((m, x, y) => Keep(m, OnLayer(m, x, y))).remove);
                break;
            case nn.Module<Tensor, Tensor, Tensor> pair:
                removers.Add(pair.register_forward_hook((m, a, b, y) => Keep(m, OnPair(m, a, b, y))).remove);
                break;
        }
    }

    private Tensor OnLayer(nn.Module module, Tensor x, Tensor y)
    {
        var (name, rule) = plan[module];
        fired.Add(name);
        if (module is BatchNorm && model.AbsorbedInto(module) is not null) CheckMergedInput(name, module, x);
        if (LrpPlan.Routes(module) || rule is null) return y;
        if (rule is Pass) return y.detach() + (x - x.detach()).reshape(y.shape);
        return Modified(module, rule, model.ParametersOf(module), x, y);
    }

    private Tensor OnPair(nn.Module module, Tensor a, Tensor b, Tensor y)
    {
        var (name, rule) = plan[module];
        fired.Add(name);
        if (LrpPlan.Routes(module)) return y;
        if (module is Onnx.Graph.GateLayer)
        {
            // The gate (second argument) is a constant: all relevance goes to the feature, summed over broadcast copies.
            if (rule is not Pass)
                throw LumenException.Usage($"the gate '{name}' supports only the Pass rule (the gate held constant, relevance to the gated feature), not {rule?.Description}");
            return y.detach() + (a - a.detach()).expand(y.shape);
        }
        if (rule is not Norm norm)
            throw LumenException.Usage($"the residual addition '{name}' supports only the Norm rule (relevance split in proportion to each branch's contribution), not {rule?.Description}");
        Tensor factor = Stabilizer.Stabilize(y.detach(), norm.Epsilon).reciprocal();
        Tensor h = (Carried(a.detach(), a) + Carried(b.detach(), b)) * factor;
        return y.detach() + (h - h.detach());
    }

    private static Tensor Modified(nn.Module module, ILrpRule rule, LayerParameters parameters, Tensor x, Tensor y)
    {
        Tensor input = x.detach();
        var terms = rule.Terms(input, parameters);
        var vanishes = terms.Select(term => term.Bias is null && !term.Input.ne(0).any().item<bool>()).ToArray();
        IReadOnlyList<Tensor> outputs;
        using (torch.no_grad())
        {
            outputs = terms.Select((term, k) => vanishes[k]
                ? torch.zeros_like(y)
                : LayerFunctions.Apply(module, term.Input, term.Weight, term.Bias, input)).ToList();
        }
        var factors = rule.Factors(outputs);
        Tensor? h = null;
        for (int k = 0; k < terms.Count; k++)
        {
            if (factors[k] is not Tensor factor || vanishes[k]) continue;
            Tensor carried = Carried(terms[k].Input.detach(), x);
            Tensor part = LayerFunctions.Apply(module, carried, terms[k].Weight?.detach(), null, input) * factor.detach();
            h = h is null ? part : h + part;
        }
        return h is null ? y.detach() : y.detach() + (h - h.detach());
    }

    /// <summary>
    /// <paramref name="value"/> connected to <paramref name="source"/>'s graph so that the gradient reaching
    /// <paramref name="source"/> is value ⊙ (gradient reaching the result): value · (1 + (source − source.detach())).
    /// </summary>
    private static Tensor Carried(Tensor value, Tensor source) => value + value * (source - source.detach());

    private void CheckMergedInput(string name, nn.Module norm, Tensor x)
    {
        nn.Module into = model.AbsorbedInto(norm)!;
        if (!lastOutputs.TryGetValue(into, out Tensor? produced) || produced.Handle != x.Handle && !ReferenceEquals(produced, x))
            throw LumenException.Model($"BatchNorm layer '{name}' does not take the output of '{plan[into].Name}' directly, so merging them would be wrong; build the model so that a BatchNorm right after a convolution in layer order also takes its output (or, in the library, pass Lrp no canonizers: BatchNorm is then an affine layer with the epsilon rule)");
    }

    private Tensor Keep(nn.Module module, Tensor result)
    {
        // Remember what this layer handed on (for the BatchNorm adjacency check), and record an alias that this
        // object owns for per-layer sums (Sequential frees its intermediates after the hook).
        if (module is Conv2d or Linear && model.IsReplaced(module))
        {
            lastOutputs[module] = result;
        }
        if (record) Outputs.Add((plan[module].Name, result.alias().DetachFromDisposeScope()));
        return result;
    }

    /// <summary>Removes the hooks and frees recorded outputs.</summary>
    public void Dispose()
    {
        foreach (var remove in removers) remove();
        removers.Clear();
        foreach (var (_, output) in Outputs) output.Dispose();
        Outputs.Clear();
        lastOutputs.Clear();
    }
}
