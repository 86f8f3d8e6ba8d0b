namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>
/// A model as a list of <see cref="PlanNode"/>s in execution order (a data-flow graph: every node reads earlier
/// nodes only). Node 0 is the input; the last node gives the logits. Built by <see cref="IncrementalPlanCompiler"/>.
/// </summary>
public sealed class IncrementalPlan
{
    /// <summary>Creates a plan from nodes in execution order.</summary>
    public IncrementalPlan(string modelName, IReadOnlyList<PlanNode> nodes)
    {
        if (nodes.Count < 2 || nodes[0] is not InputNode)
            throw new ArgumentException("a plan starts with the input node and has at least one operation", nameof(nodes));
        for (int i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Inputs.Any(j => j < 0 || j >= i))
                throw new ArgumentException($"node {i} ({nodes[i]}) reads a node that does not run before it", nameof(nodes));
        }
        ModelName = modelName;
        Nodes = nodes;
    }

    /// <summary>The model's name, for messages.</summary>
    public string ModelName { get; }

    /// <summary>The nodes in execution order; node 0 is the input, the last one the output.</summary>
    public IReadOnlyList<PlanNode> Nodes { get; }
}
