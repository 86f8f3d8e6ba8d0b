namespace Lumen.Embedding;

/// <summary>
/// A point-region quadtree over a 2-D embedding for Barnes-Hut: each node stores its square (centre, half side),
/// the number of points below it and their centre of mass. Leaves hold one position (coincident points share a leaf;
/// below <see cref="MaxDepth"/> levels points are merged into their leaf's centre of mass).
/// </summary>
internal sealed class QuadTree
{
    public const int MaxDepth = 48;
    private int _count;

    public QuadTree(int capacity)
    {
        Grow(Math.Max(16, capacity));
    }

    public double[] CenterX = [], CenterY = [], Half = [], MassX = [], MassY = [];
    public int[] Count = [], FirstChild = [];
    public int[] LeafOf = [];
    private int[] _leafHead = [];
    private int[] _nextInLeaf = [];

    public int Nodes => _count;

    /// <summary>Rebuilds the tree for <paramref name="y"/> ([N, 2] row-major).</summary>
    public void Build(ReadOnlySpan<double> y)
    {
        int n = y.Length / 2;
        if (LeafOf.Length < n)
        {
            LeafOf = new int[n];
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
    }

    private int NewNode(double cx, double cy, double half)
    {
        if (_count == Count.Length) Grow(Count.Length * 2);
        int id = _count++;
        CenterX[id] = cx; CenterY[id] = cy; Half[id] = half;
        MassX[id] = 0; MassY[id] = 0; Count[id] = 0; FirstChild[id] = -1; _leafHead[id] = -1;
        return id;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref CenterX, capacity); Array.Resize(ref CenterY, capacity); Array.Resize(ref Half, capacity);
        Array.Resize(ref MassX, capacity); Array.Resize(ref MassY, capacity);
        Array.Resize(ref Count, capacity); Array.Resize(ref FirstChild, capacity); Array.Resize(ref _leafHead, capacity);
    }

    private int ChildFor(int node, double x, double y) =>
        FirstChild[node] + (x >= CenterX[node] ? 1 : 0) + (y >= CenterY[node] ? 2 : 0);

    private void Insert(int point, double x, double y)
    {
        int node = 0;
        for (int depth = 0; ; depth++)
        {
            if (FirstChild[node] < 0)
            {
                if (Count[node] == 0)
                {
                    AddToLeaf(node, point, x, y);
                    return;
                }

                bool coincident = MassX[node] == x && MassY[node] == y;
                if (coincident || depth >= MaxDepth)
                {
                    AddToLeaf(node, point, x, y);
                    return;
                }

                Subdivide(node);
            }

            int c = Count[node];
            MassX[node] = (MassX[node] * c + x) / (c + 1);
            MassY[node] = (MassY[node] * c + y) / (c + 1);
            Count[node] = c + 1;
            node = ChildFor(node, x, y);
        }
    }

    private void AddToLeaf(int node, int point, double x, double y)
    {
        int c = Count[node];
        MassX[node] = (MassX[node] * c + x) / (c + 1);
        MassY[node] = (MassY[node] * c + y) / (c + 1);
        Count[node] = c + 1;
        _nextInLeaf[point] = _leafHead[node];
        _leafHead[node] = point;
        LeafOf[point] = node;
    }

    private void Subdivide(int node)
    {
        double h = Half[node] / 2, cx = CenterX[node], cy = CenterY[node];
        int first = NewNode(cx - h, cy - h, h);
        NewNode(cx + h, cy - h, h);
        NewNode(cx - h, cy + h, h);
        NewNode(cx + h, cy + h, h);
        FirstChild[node] = first;
        // Move the leaf's points (all at its centre of mass) into the matching child.
        int child = ChildFor(node, MassX[node], MassY[node]);
        MassX[child] = MassX[node]; MassY[child] = MassY[node]; Count[child] = Count[node];
        _leafHead[child] = _leafHead[node];
        _leafHead[node] = -1;
        for (int p = _leafHead[child]; p >= 0; p = _nextInLeaf[p]) LeafOf[p] = child;
    }
}
