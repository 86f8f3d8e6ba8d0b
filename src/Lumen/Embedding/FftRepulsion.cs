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
/// interpolation error); coordinates are centred on the grid.
/// </remarks>
public sealed class FftRepulsion : IRepulsiveForces, IDisposable
{
    /// <summary>Ratio between consecutive allowed grid spacings.</summary>
    public const double SpacingStep = 1.02;

    private readonly int _threads;
    private readonly KernelConvolution _convolution = new();
    private float[][] _grids = [];
    private float[] _potentials = [];
    private int[] _node = [];
    private double[] _weights = [];
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
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, embedding[2 * i]); maxX = Math.Max(maxX, embedding[2 * i]);
            minY = Math.Min(minY, embedding[2 * i + 1]); maxY = Math.Max(maxY, embedding[2 * i + 1]);
        }

        double needed = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-6);
        int boxes = RoundBoxes(Math.Max(MinIntervals, (int)Math.Ceiling(needed * IntervalsPerUnit)));
        LastBoxes = boxes;
        int m = boxes * p;
        // Node spacing rounded up to the ladder SpacingStep^j, so the square (side m·h) covers the data.
        double h = Math.Pow(SpacingStep, Math.Ceiling(Math.Log(needed / m) / Math.Log(SpacingStep)));
        double side = m * h, boxWidth = p * h;
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, lo = -side / 2;
        EnsureBuffers(n, m);

        // 1. Lagrange weights of every point on the nodes of its box, per axis, and unit charges spread with them onto
        // the node grid: each thread onto a grid of its own, then the grids are added in thread order (the same sums for
        // the same thread count).
        int cells = m * m;
        var grids = SpreadGrids(Math.Max(1, Math.Min(_threads, n)), cells);
        Parallelism.For(n, grids.Length, (start, end, part) =>
        {
            var grid = grids[part];
            Array.Clear(grid);
            Span<double> w = stackalloc double[2 * p];
            var wx = w[..p];
            var wy = w[p..];
            for (int i = start; i < end; i++)
            {
                int gx = NodeWeights(embedding[2 * i] - cx, lo, boxWidth, h, boxes, wx);
                int gy = NodeWeights(embedding[2 * i + 1] - cy, lo, boxWidth, h, boxes, wy);
                _node[2 * i] = gx;
                _node[2 * i + 1] = gy;
                wx.CopyTo(_weights.AsSpan(2 * i * p, p));
                wy.CopyTo(_weights.AsSpan((2 * i + 1) * p, p));
                for (int ty = 0; ty < p; ty++)
                {
                    var row = grid.AsSpan((gy + ty) * m + gx, p);
                    double wyv = wy[ty];
                    for (int tx = 0; tx < row.Length; tx++) row[tx] += (float)(wyv * wx[tx]);
                }
            }
        });
        Parallelism.For(cells, grids.Length, (start, end, _) =>
        {
            var total = grids[0].AsSpan(start, end - start);
            for (int part = 1; part < grids.Length; part++)
            {
                var add = grids[part].AsSpan(start, end - start);
                for (int c = 0; c < total.Length; c++) total[c] += add[c];
            }
        });

        // 3. Node potentials of the vector kernel K2(d)·d, and Σ_i Σ_j K1(y_i − y_j) (self-pairs included).
        double pairSum = _convolution.Convolve(m, h, grids[0], _potentials);

        // 4. Interpolate the potentials back to the points: Σ_j K2(y_i − y_j) (y_i − y_j).
        Parallelism.For(n, _threads, (start, end, _) =>
        {
            for (int i = start; i < end; i++)
            {
                double fx = 0, fy = 0;
                int gx = _node[2 * i], gy = _node[2 * i + 1];
                int wx = 2 * i * p, wy = (2 * i + 1) * p;
                for (int ty = 0; ty < p; ty++)
                {
                    int row = (gy + ty) * m + gx;
                    double wyv = _weights[wy + ty];
                    for (int tx = 0; tx < p; tx++)
                    {
                        double w = wyv * _weights[wx + tx];
                        fx += w * _potentials[row + tx];
                        fy += w * _potentials[cells + row + tx];
                    }
                }

                forces[2 * i] = fx;
                forces[2 * i + 1] = fy;
            }
        });
        return pairSum - n;
    }

    /// <summary>
    /// The first node of the box holding coordinate <paramref name="x"/> (centred) and the Lagrange weights of its
    /// <see cref="InterpolationPoints"/> nodes, which sit at t + 0.5 node spacings into the box.
    /// </summary>
    private int NodeWeights(double x, double lo, double boxWidth, double h, int boxes, Span<double> w)
    {
        int box = Math.Clamp((int)((x - lo) / boxWidth), 0, boxes - 1);
        double u = (x - lo - box * boxWidth) / h;
        // Nodes at t + 0.5, t = 0..p−1; the denominators Π_{s≠t} (t − s) are constants.
        for (int t = 0; t < w.Length; t++)
        {
            double v = _inverseDenominators[t];
            for (int s = 0; s < w.Length; s++)
            {
                if (s != t) v *= u - (s + 0.5);
            }

            w[t] = v;
        }

        return box * w.Length;
    }

    private float[][] SpreadGrids(int parts, int cells)
    {
        if (_grids.Length != parts || _grids[0].Length != cells)
            _grids = Enumerable.Range(0, parts).Select(_ => new float[cells]).ToArray();
        return _grids;
    }

    private void EnsureBuffers(int n, int m)
    {
        if (_node.Length != 2 * n)
        {
            _node = new int[2 * n];
            _weights = new double[2 * n * InterpolationPoints];
        }

        if (_potentials.Length != 2 * m * m) _potentials = new float[2 * m * m];
    }

    /// <inheritdoc />
    public void Dispose() => _convolution.Dispose();
}
