namespace Lumen.Embedding;

/// <summary>
/// A point-region quadtree over a 2-D embedding for Barnes-Hut: each node stores its square (centre, half side),
/// the number of points below it and their centre of mass, packed in one struct so a visit touches one cache line.
/// Leaves hold one position (coincident points share a leaf; below <see cref="MaxDepth"/> levels points are merged
/// into their leaf's centre of mass). <see cref="Order"/> lists the points leaf by leaf in depth-first order, so
/// consecutive points are close and their traversals share cached nodes.
/// </summary>
internal sealed class QuadTree
{
    public const int MaxDepth = 48;

    internal struct Node
    {
        public double MassX, MassY, CenterX, CenterY, Half;
        public int Count, FirstChild, LeafHead;
    }

    private Node[] _nodes = new Node[1024];
    private int _count;
    private int[] _nextInLeaf = [];

    public Node[] Nodes => _nodes;

    public int[] LeafOf { get; private set; } = [];

    public int[] Order { get; private set; } = [];

    /// <summary>Rebuilds the tree for <paramref name="y"/> ([N, 2] row-major).</summary>
    public void Build(ReadOnlySpan<double> y)
    {
        int n = y.Length / 2;
        if (LeafOf.Length != n)
        {
            LeafOf = new int[n];
            Order = new int[n];
            _nextInLeaf = new int[n];
        }

        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }

        _count = 0;
        double half = Math.Max(Math.Max(maxX - minX, maxY - minY) / 2 * (1 + 1e-9), 1e-12);
        NewNode((minX + maxX) / 2, (minY + maxY) / 2, half);
        for (int i = 0; i < n; i++) Insert(i, y[2 * i], y[2 * i + 1]);
        FillOrder();
    }

    private int NewNode(double cx, double cy, double half)
    {
        if (_count == _nodes.Length) Array.Resize(ref _nodes, _nodes.Length * 2);
        int id = _count++;
        _nodes[id] = new Node { CenterX = cx, CenterY = cy, Half = half, FirstChild = -1, LeafHead = -1 };
        return id;
    }

    private int ChildFor(int node, double x, double y) =>
        _nodes[node].FirstChild + (x >= _nodes[node].CenterX ? 1 : 0) + (y >= _nodes[node].CenterY ? 2 : 0);

    private void Insert(int point, double x, double y)
    {
        int node = 0;
        for (int depth = 0; ; depth++)
        {
            if (_nodes[node].FirstChild < 0)
            {
                if (_nodes[node].Count == 0 || (_nodes[node].MassX == x && _nodes[node].MassY == y) || depth >= MaxDepth)
                {
                    AddToLeaf(node, point, x, y);
                    return;
                }

                Subdivide(node);
            }

            ref var current = ref _nodes[node];
            int c = current.Count;
            current.MassX = (current.MassX * c + x) / (c + 1);
            current.MassY = (current.MassY * c + y) / (c + 1);
            current.Count = c + 1;
            node = ChildFor(node, x, y);
        }
    }

    private void AddToLeaf(int node, int point, double x, double y)
    {
        ref var leaf = ref _nodes[node];
        int c = leaf.Count;
        leaf.MassX = (leaf.MassX * c + x) / (c + 1);
        leaf.MassY = (leaf.MassY * c + y) / (c + 1);
        leaf.Count = c + 1;
        _nextInLeaf[point] = leaf.LeafHead;
        leaf.LeafHead = point;
        LeafOf[point] = node;
    }

    private void Subdivide(int node)
    {
        double h = _nodes[node].Half / 2, cx = _nodes[node].CenterX, cy = _nodes[node].CenterY;
        int first = NewNode(cx - h, cy - h, h);
        NewNode(cx + h, cy - h, h);
        NewNode(cx - h, cy + h, h);
        NewNode(cx + h, cy + h, h);
        ref var parent = ref _nodes[node];
        parent.FirstChild = first;
        // Move the leaf's points (all at its centre of mass) into the matching child.
        int child = ChildFor(node, parent.MassX, parent.MassY);
        ref var target = ref _nodes[child];
        target.MassX = parent.MassX; target.MassY = parent.MassY; target.Count = parent.Count;
        target.LeafHead = parent.LeafHead;
        parent.LeafHead = -1;
        for (int p = target.LeafHead; p >= 0; p = _nextInLeaf[p]) LeafOf[p] = child;
    }

    private void FillOrder()
    {
        int filled = 0;
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int node = stack.Pop();
            if (_nodes[node].FirstChild < 0)
            {
                for (int p = _nodes[node].LeafHead; p >= 0; p = _nextInLeaf[p]) Order[filled++] = p;
                continue;
            }

            for (int c = 3; c >= 0; c--) stack.Push(_nodes[node].FirstChild + c);
        }
    }
}
