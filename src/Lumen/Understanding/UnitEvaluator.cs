using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Understanding;

/// <summary>
/// Computes units on the output of one forward pass: class units from the logits, the others from the layer
/// outputs a <see cref="LayerCapture"/> recorded. The results stay in the autograd graph, so activation
/// maximization can differentiate them.
/// </summary>
public static class UnitEvaluator
{
    /// <summary>The layers that must be captured to evaluate <paramref name="units"/>.</summary>
    public static string[] LayersOf(IEnumerable<Unit> units) =>
        units.Where(u => !u.IsClass).Select(u => u.Layer!).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Every unit on every image: [N, U], column u holding unit u's value (probabilities, not logs).</summary>
    public static Tensor All(IReadOnlyList<Unit> units, Tensor logits, LayerCapture? capture)
    {
        using var scope = torch.NewDisposeScope();
        var columns = units.Select(unit => Measure(unit, logits, capture, objective: false)).ToList();
        return torch.stack(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Unit i on image i (the batch has one image per unit): [U]. With <paramref name="objective"/>, probability
    /// units give the log-probability, which is what activation maximization ascends.
    /// </summary>
    public static Tensor Paired(IReadOnlyList<Unit> units, Tensor logits, LayerCapture? capture, bool objective)
    {
        if (logits.shape[0] != units.Count)
            throw new ArgumentException($"{units.Count} units need a batch of {units.Count} images, not {logits.shape[0]}");
        using var scope = torch.NewDisposeScope();
        var values = units.Select((unit, i) => Measure(unit, logits, capture, objective, i)).ToList();
        return torch.cat(values, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The value of <paramref name="unit"/> for every image [N], or for image <paramref name="row"/> only ([1]).
    /// </summary>
    public static Tensor Measure(Unit unit, Tensor logits, LayerCapture? capture, bool objective, int? row = null)
    {
        Tensor Rows(Tensor t) => row is int r ? t.narrow(0, r, 1) : t;
        switch (unit.Kind)
        {
            case UnitKind.ClassLogit:
                return Rows(logits).select(1, CheckClass(unit, logits));
            case UnitKind.ClassProbability:
            {
                int c = CheckClass(unit, logits);
                var log = Rows(logits).log_softmax(1).select(1, c);
                return objective ? log : log.exp();
            }
        }
        if (capture is null) throw new ArgumentNullException(nameof(capture), $"unit {unit.Name} needs the output of layer {unit.Layer}");
        Tensor activation = Rows(capture[unit.Layer!]);
        if (unit.Kind == UnitKind.LayerNorm)
            return activation.pow(2).flatten(1).mean(new long[] { 1 });
        if (activation.dim() != 2 && activation.dim() != 4)
            throw LumenException.Usage($"layer '{unit.Layer}' has output shape [{string.Join(", ", activation.shape.Skip(1))}]; channel units need a map [C, H, W] or features [C]");
        if (unit.Index < 0 || unit.Index >= activation.shape[1])
            throw LumenException.Usage($"channel {unit.Index} is out of range: layer {unit.Layer} has {activation.shape[1]} channels (0 to {activation.shape[1] - 1})");
        Tensor channel = activation.select(1, unit.Index);
        if (channel.dim() == 1) return channel;
        return unit.Kind switch
        {
            UnitKind.ChannelMean => channel.flatten(1).mean(new long[] { 1 }),
            UnitKind.ChannelMax => channel.flatten(1).amax(new long[] { 1 }),
            UnitKind.Neuron => channel.select(1, unit.Row ?? channel.shape[1] / 2).select(1, unit.Column ?? channel.shape[2] / 2),
            _ => throw new InvalidOperationException($"unknown unit kind {unit.Kind}"),
        };
    }

    private static int CheckClass(Unit unit, Tensor logits)
    {
        if (unit.Index < 0 || unit.Index >= logits.shape[1])
            throw LumenException.Usage($"class {unit.Index} is out of range: the model has {logits.shape[1]} classes (0 to {logits.shape[1] - 1})");
        return unit.Index;
    }
}
