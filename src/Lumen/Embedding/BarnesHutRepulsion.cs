namespace Lumen.Embedding;

/// <summary>
/// Barnes-Hut repulsive forces (van der Maaten 2014): a quadtree is rebuilt every iteration and a cell of side s at
/// distance d from the point (to its centre of mass) is used as one summary body when s &lt; θ·d. O(N log N).
/// </summary>
public sealed class BarnesHutRepulsion : IRepulsiveForces
{
    private readonly int _threads;
    private readonly double _theta;
    private readonly QuadTree _tree = new();

    /// <summary>Creates the engine with opening angle <paramref name="theta"/> (0.5 by default; 0 is exact but slow).</summary>
    public BarnesHutRepulsion(double theta = 0.5, int threads = 0)
    {
        if (!(theta >= 0)) throw LumenException.Usage($"Barnes-Hut theta must be at least 0, not {theta}.");
        _theta = theta;
        _threads = Parallelism.Threads(threads);
    }

    /// <inheritdoc />
    public double Compute(double[] embedding, double[] forces)
    {
        _tree.Build(embedding);
        var y = embedding;
        int n = y.Length / 2;
        var f = forces;
        int parts = Math.Max(1, Math.Min(_threads, n));
        var z = new double[parts];
        double theta2 = _theta * _theta;
        var tree = _tree;
        Parallelism.For(n, parts, (start, end, part) =>
        {
            var stack = new int[4 * QuadTree.MaxDepth + 8];
            var nodes = tree.Nodes;
            var order = tree.Order;
            double zPart = 0;
            for (int o = start; o < end; o++)
            {
                int i = order[o];
                double yx = y[2 * i], yy = y[2 * i + 1], fx = 0, fy = 0;
                int leafOfI = tree.LeafOf[i];
                int top = 0;
                stack[top++] = 0;
                while (top > 0)
                {
                    int id = stack[--top];
                    ref readonly var node = ref nodes[id];
                    int count = node.Count;
                    if (count == 0) continue;
                    double dx = yx - node.MassX, dy = yy - node.MassY;
                    double d2 = dx * dx + dy * dy;
                    if (node.FirstChild < 0 || 4 * node.Half * node.Half < theta2 * d2)
                    {
                        if (id == leafOfI) count--;
                        if (count == 0) continue;
                        double w = 1 / (1 + d2);
                        zPart += count * w;
                        double mult = count * w * w;
                        fx += mult * dx;
                        fy += mult * dy;
                    }
                    else
                    {
                        int c = node.FirstChild;
                        stack[top++] = c;
                        stack[top++] = c + 1;
                        stack[top++] = c + 2;
                        stack[top++] = c + 3;
                    }
                }

                f[2 * i] = fx;
                f[2 * i + 1] = fy;
            }

            z[part] = zPart;
        });
        return z.Sum();
    }
}
