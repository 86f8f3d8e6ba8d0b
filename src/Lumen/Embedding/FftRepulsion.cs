namespace Lumen.Embedding;

/// <summary>
/// FFT-accelerated interpolation of the repulsive forces (FIt-SNE, Linderman et al. 2019) for a 2-D embedding.
/// </summary>
/// <remarks>
/// Only unit charges sit at the points. Two kernels of the offset d = y_i − y_j are convolved with them: the vector
/// kernel K2(d)·d, K2 = 1/(1 + |d|²)², whose potential at y_i is the repulsive force Σ_j K2 (y_i − y_j) itself, and
/// K1 = 1/(1 + |d|²) for Z = Σ_i Σ_j K1 − N. FIt-SNE instead convolves K2 with the charges 1, x, y (and |y|²) and forms
/// the force as y_i Σ_j K2 − Σ_j K2 y_j: three transforms forward and three back per iteration where this form needs
/// one forward and two back, half the FFT work, for an interpolation error about 1.5 times larger at the same grid.
/// The embedding's bounding square is cut into B x B boxes (B ≥ <see cref="MinIntervals"/> and ≥ the side length times
/// <see cref="IntervalsPerUnit"/>, rounded up to 2^a 3^b 5^c 7^d, as openTSNE does), each with <see cref="InterpolationPoints"/>² equispaced
/// nodes; charges are spread to the nodes with Lagrange polynomials, the node-to-node sums are a Toeplitz convolution
/// done by zero-padded FFTs (<see cref="KernelConvolution"/>, libtorch's transforms), and the node potentials are
/// interpolated back with the same polynomials. Σ_i Σ_j K1 needs no potentials at all: it is Σ_nodes q·(K1 * q), a
/// Parseval sum.
/// Speed: the grid spacing is rounded up to a 2 % geometric ladder so the kernels' spectra are reused for as long as
/// the embedding's extent stays on one rung; grids are float32 (the FFT's rounding error, about 1e-6, is far below the
/// interpolation error); coordinates are centred on the grid; the grids cross between .NET and libtorch as raw bytes
/// (an element-wise copy took 15 of the 44 ms of a convolution of 567² nodes). Charges are spread by bands of grid
/// rows, one per thread, so every node's charge is summed in point order whatever the thread count.
/// </remarks>
public sealed class FftRepulsion : IRepulsiveForces, IDisposable
{
    /// <summary>Ratio between consecutive allowed grid spacings.</summary>
    public const double SpacingStep = 1.02;

    private readonly int _threads;
    private readonly KernelConvolution _convolution = new();
    private float[] _charges = [];
    private float[] _potentials = [];
    private int[] _node = [];
    private float[] _weights = [];
    private readonly double[] _inverseDenominators;

    /// <summary>Creates the engine.</summary>
    /// <param name="minIntervals">Smallest number of boxes per axis (default 50, as openTSNE).</param>
    /// <param name="intervalsPerUnit">Boxes per unit of embedding length (default 1, openTSNE's ints_in_interval).</param>
    /// <param name="threads">Threads (0 = all cores).</param>
    /// <param name="interpolationPoints">Interpolation nodes per box and axis (default 3, as FIt-SNE and openTSNE; 2 to 8).</param>
    public FftRepulsion(int minIntervals = 50, double intervalsPerUnit = 1, int threads = 0, int interpolationPoints = 3)
    {
        ValidateGrid(interpolationPoints, intervalsPerUnit);
        InterpolationPoints = interpolationPoints;
        _inverseDenominators = Enumerable.Range(0, interpolationPoints)
            .Select(t => 1 / Enumerable.Range(0, interpolationPoints).Where(s => s != t).Aggregate(1.0, (product, s) => product * (t - s)))
            .ToArray();
        if (minIntervals < 1) throw LumenException.Usage($"The FFT engine needs at least 1 interval, not {minIntervals}.");
        MinIntervals = minIntervals;
        IntervalsPerUnit = intervalsPerUnit;
        _threads = Parallelism.Threads(threads);
    }

    /// <summary>
    /// Checks a grid setting: 2 to 8 interpolation nodes per box (so every FFT length 2pB of a 2^a 3^b 5^c 7^d box count
    /// is one too) and a positive, finite number of boxes per unit (null: chosen automatically).
    /// </summary>
    public static void ValidateGrid(int interpolationPoints, double? intervalsPerUnit)
    {
        if (interpolationPoints is < 2 or > 8)
            throw LumenException.Usage($"The FFT engine interpolates with 2 to 8 nodes per box, not {interpolationPoints}.");
        if (intervalsPerUnit is { } boxes && (!(boxes > 0) || double.IsInfinity(boxes)))
            throw LumenException.Usage($"Boxes per unit must be a positive number, not {boxes}.");
    }

    /// <summary>Interpolation nodes per box and axis.</summary>
    public int InterpolationPoints { get; }

    /// <summary>Smallest number of boxes per axis.</summary>
    public int MinIntervals { get; }

    /// <summary>Boxes per unit length.</summary>
    public double IntervalsPerUnit { get; }

    /// <summary>Boxes per axis used by the last call (for diagnostics).</summary>
    public int LastBoxes { get; private set; }

    /// <summary>The smallest box count ≥ <paramref name="required"/> of the form 2^a 3^b 5^c 7^d (so the FFT length 2pB is too, for 2 to 8 nodes per box).</summary>
    public static int RoundBoxes(int required)
    {
        int b = Math.Max(1, required);
        while (!FftSizes.IsSupported(b)) b++;
        return b;
    }

    /// <inheritdoc />
    public double Compute(double[] embedding, double[] forces)
    {
        int p = InterpolationPoints;
        int n = embedding.Length / 2;
        var (minX, maxX, minY, maxY) = Bounds(embedding);
        double needed = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-6);
        int boxes = RoundBoxes(Math.Max(MinIntervals, (int)Math.Ceiling(needed * IntervalsPerUnit)));
        LastBoxes = boxes;
        int m = boxes * p;
        // Node spacing rounded up to the ladder SpacingStep^j, so the square (side m·h) covers the data.
        double h = Math.Pow(SpacingStep, Math.Ceiling(Math.Log(needed / m) / Math.Log(SpacingStep)));
        var grid = new NodeGrid(boxes, p, h, (minX + maxX) / 2 - m * h / 2, (minY + maxY) / 2 - m * h / 2);
        EnsureBuffers(n, m);

        // 1. Each point's box and the Lagrange weights of its nodes, per axis.
        Parallelism.For(n, _threads, (start, end, _) => Locate(embedding, grid, start, end));

        // 2. Unit charges spread onto the nodes: each thread owns a band of grid rows and adds, in point order, what
        // falls in it, so every node's sum is the same whatever the thread count.
        Parallelism.For(m, _threads, (first, last, _) => Spread(m, first, last));

        // 3. Node potentials of the vector kernel K2(d)·d, and Σ_i Σ_j K1(y_i − y_j) (self-pairs included).
        double pairSum = _convolution.Convolve(m, h, _charges, _potentials);

        // 4. Interpolate the potentials back to the points: Σ_j K2(y_i − y_j) (y_i − y_j).
        Parallelism.For(n, _threads, (start, end, _) => Interpolate(forces, m, start, end));
        return pairSum - n;
    }

    /// <summary>The embedding's bounding box, one pass per thread.</summary>
    private (double MinX, double MaxX, double MinY, double MaxY) Bounds(double[] embedding)
    {
        int n = embedding.Length / 2;
        int parts = Math.Max(1, Math.Min(_threads, n));
        var boxes = new (double, double, double, double)[parts];
        Parallelism.For(n, parts, (start, end, part) =>
        {
            double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
            for (int i = start; i < end; i++)
            {
                double x = embedding[2 * i], y = embedding[2 * i + 1];
                if (x < minX) minX = x;
                if (x > maxX) maxX = x;
                if (y < minY) minY = y;
                if (y > maxY) maxY = y;
            }

            boxes[part] = (minX, maxX, minY, maxY);
        });
        return (boxes.Min(b => b.Item1), boxes.Max(b => b.Item2), boxes.Min(b => b.Item3), boxes.Max(b => b.Item4));
    }

    /// <summary>
    /// The node grid: <see cref="Boxes"/> boxes per axis of <see cref="Nodes"/> nodes each, node spacing
    /// <see cref="Spacing"/>, lower corner (<see cref="LowX"/>, <see cref="LowY"/>); nodes sit at t + 0.5 spacings into their box.
    /// </summary>
    private readonly record struct NodeGrid(int Boxes, int Nodes, double Spacing, double LowX, double LowY);

    /// <summary>Stores, for points [start, end), the first node of their box per axis and the nodes' Lagrange weights.</summary>
    private void Locate(double[] embedding, NodeGrid grid, int start, int end)
    {
        int p = grid.Nodes;
        double inverseSpacing = 1 / grid.Spacing;
        var weights = _weights.AsSpan();
        var nodes = _node.AsSpan();
        for (int i = start; i < end; i++)
        {
            nodes[2 * i] = NodeWeights((embedding[2 * i] - grid.LowX) * inverseSpacing, grid.Boxes, weights.Slice(2 * i * p, p));
            nodes[2 * i + 1] = NodeWeights((embedding[2 * i + 1] - grid.LowY) * inverseSpacing, grid.Boxes, weights.Slice((2 * i + 1) * p, p));
        }
    }

    /// <summary>
    /// For coordinate <paramref name="u"/> in node spacings from the grid's edge: the first node of its box, and the
    /// Lagrange weights of the box's nodes (at t + 0.5 spacings into the box) in <paramref name="w"/>.
    /// </summary>
    private int NodeWeights(double u, int boxes, Span<float> w)
    {
        int p = w.Length;
        int box = Math.Clamp((int)(u / p), 0, boxes - 1);
        u -= box * p;
        // w_t = Π_{s≠t} (u − s − 0.5) / Π_{s≠t} (t − s), from the products of the factors before and after t.
        Span<double> after = stackalloc double[8];
        double product = 1;
        for (int t = p - 1; t >= 0; t--)
        {
            after[t] = product;
            product *= u - t - 0.5;
        }

        double before = 1;
        for (int t = 0; t < p; t++)
        {
            w[t] = (float)(before * after[t] * _inverseDenominators[t]);
            before *= u - t - 0.5;
        }

        return box * p;
    }

    /// <summary>Clears grid rows [first, last) and adds every point's charges that fall in them.</summary>
    private void Spread(int m, int first, int last)
    {
        int p = InterpolationPoints;
        var charges = _charges.AsSpan(first * m, (last - first) * m);
        charges.Clear();
        var weights = _weights.AsSpan();
        var nodes = _node.AsSpan();
        for (int i = 0; i < nodes.Length / 2; i++)
        {
            int gx = nodes[2 * i], gy = nodes[2 * i + 1];
            int from = Math.Max(gy, first), to = Math.Min(gy + p, last);
            if (from >= to) continue;
            var wx = weights.Slice(2 * i * p, p);
            for (int row = from; row < to; row++)
            {
                float wy = weights[(2 * i + 1) * p + row - gy];
                var cells = charges.Slice((row - first) * m + gx, p);
                for (int tx = 0; tx < cells.Length; tx++) cells[tx] += wy * wx[tx];
            }
        }
    }

    /// <summary>Interpolates both potential grids at points [start, end) into <paramref name="forces"/>.</summary>
    private void Interpolate(double[] forces, int m, int start, int end)
    {
        int p = InterpolationPoints;
        var weights = _weights.AsSpan();
        var nodes = _node.AsSpan();
        var potentialX = _potentials.AsSpan(0, m * m);
        var potentialY = _potentials.AsSpan(m * m, m * m);
        for (int i = start; i < end; i++)
        {
            double fx = 0, fy = 0;
            int gx = nodes[2 * i], gy = nodes[2 * i + 1];
            var wx = weights.Slice(2 * i * p, p);
            var wy = weights.Slice((2 * i + 1) * p, p);
            for (int ty = 0; ty < wy.Length; ty++)
            {
                int row = (gy + ty) * m + gx;
                var x = potentialX.Slice(row, p);
                var y = potentialY.Slice(row, p);
                float sx = 0, sy = 0;
                for (int tx = 0; tx < wx.Length; tx++)
                {
                    sx += wx[tx] * x[tx];
                    sy += wx[tx] * y[tx];
                }

                fx += wy[ty] * (double)sx;
                fy += wy[ty] * (double)sy;
            }

            forces[2 * i] = fx;
            forces[2 * i + 1] = fy;
        }
    }

    private void EnsureBuffers(int n, int m)
    {
        if (_node.Length != 2 * n)
        {
            _node = new int[2 * n];
            _weights = new float[2 * n * InterpolationPoints];
        }

        if (_charges.Length != m * m)
        {
            _charges = new float[m * m];
            _potentials = new float[2 * m * m];
        }
    }

    /// <inheritdoc />
    public void Dispose() => _convolution.Dispose();
}
