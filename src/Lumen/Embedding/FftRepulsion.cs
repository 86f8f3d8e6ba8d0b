namespace Lumen.Embedding;

/// <summary>
/// FFT-accelerated interpolation of the repulsive forces (FIt-SNE, Linderman et al. 2019) for a 2-D embedding.
/// </summary>
/// <remarks>
/// Kernels of the offset d = y_i − y_j, K1 = 1/(1 + |d|²) and K2 = K1², are convolved with charges at the points:
/// Z = Σ_i Σ_j K1 − N from unit charges, and the forces Σ_j K2 (y_i − y_j) = y_i Σ_j K2 − Σ_j K2 y_j from charges
/// 1 and y (FIt-SNE's form for the forces; computing Z from K1 directly avoids the cancellations of FIt-SNE's
/// 1, y, |y|² charges). The embedding's bounding square is cut into B x B boxes (B ≥ <see cref="MinIntervals"/> and
/// ≥ the side length, rounded up to 2^a 3^b), each with <see cref="InterpolationPoints"/>² equispaced nodes; charges
/// are spread to the nodes with Lagrange polynomials, the node-to-node sums are a Toeplitz convolution done by
/// zero-padded FFTs (<see cref="KernelConvolution"/>, libtorch's transforms), and the node potentials are interpolated
/// back with the same polynomials. Σ_i Σ_j K1 needs no potentials at all: it is Σ_nodes q·(K1 * q), a Parseval sum.
/// Speed: the grid spacing is rounded up to a 2 % geometric ladder so the kernels' spectra are reused for as long as
/// the embedding's extent stays on one rung; grids are float32 (the FFT's rounding error, about 1e-6, is far below the
/// interpolation error); coordinates are centred on the grid.
/// </remarks>
public sealed class FftRepulsion : IRepulsiveForces, IDisposable
{
    /// <summary>Interpolation nodes per box and axis (FIt-SNE and openTSNE: 3).</summary>
    public const int InterpolationPoints = 3;

    /// <summary>Ratio between consecutive allowed grid spacings.</summary>
    public const double SpacingStep = 1.02;

    private readonly int _threads;
    private readonly KernelConvolution _convolution = new();
    private float[] _charges = [], _potentials = [];
    private int[] _node = [];
    private double[] _weights = [];

    /// <summary>Creates the engine.</summary>
    /// <param name="minIntervals">Smallest number of boxes per axis (default 50, as openTSNE).</param>
    /// <param name="intervalsPerUnit">Boxes per unit of embedding length (default 1, openTSNE's ints_in_interval).</param>
    /// <param name="threads">Threads (0 = all cores).</param>
    public FftRepulsion(int minIntervals = 50, double intervalsPerUnit = 1, int threads = 0)
    {
        if (minIntervals < 1) throw LumenException.Usage($"The FFT engine needs at least 1 interval, not {minIntervals}.");
        MinIntervals = minIntervals;
        IntervalsPerUnit = intervalsPerUnit;
        _threads = Parallelism.Threads(threads);
    }

    /// <summary>Smallest number of boxes per axis.</summary>
    public int MinIntervals { get; }

    /// <summary>Boxes per unit length.</summary>
    public double IntervalsPerUnit { get; }

    /// <summary>Boxes per axis used by the last call (for diagnostics).</summary>
    public int LastBoxes { get; private set; }

    /// <summary>How many times the kernels' spectra were computed (for diagnostics).</summary>
    public int KernelTransforms => _convolution.KernelTransforms;

    /// <summary>The smallest box count ≥ <paramref name="required"/> of the form 2^a 3^b (so the FFT length 6B is too).</summary>
    public static int RoundBoxes(int required)
    {
        int b = Math.Max(1, required);
        while (!FftSizes.IsSupported(b)) b++;
        return b;
    }

    /// <inheritdoc />
    public double Compute(double[] embedding, double[] forces)
    {
        const int p = InterpolationPoints;
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

        // 1. Lagrange weights of every point on the nodes of its box, per axis.
        Parallelism.For(n, _threads, (start, end, _) =>
        {
            Span<double> w = stackalloc double[p];
            for (int i = start; i < end; i++)
            {
                for (int axis = 0; axis < 2; axis++)
                {
                    double x = embedding[2 * i + axis] - (axis == 0 ? cx : cy);
                    int box = Math.Clamp((int)((x - lo) / boxWidth), 0, boxes - 1);
                    double u = (x - lo - box * boxWidth) / h; // in node units; nodes at 0.5, 1.5, 2.5
                    Lagrange(u, w);
                    _node[2 * i + axis] = box * p;
                    for (int t = 0; t < p; t++) _weights[(2 * i + axis) * p + t] = w[t];
                }
            }
        });

        // 2. Spread the charges onto the node grids: 1, and the centred coordinates x and y.
        int cells = m * m;
        Array.Clear(_charges);
        for (int i = 0; i < n; i++)
        {
            double x = embedding[2 * i] - cx, y = embedding[2 * i + 1] - cy;
            int gx = _node[2 * i], gy = _node[2 * i + 1];
            int wx = 2 * i * p, wy = (2 * i + 1) * p;
            for (int ty = 0; ty < p; ty++)
            {
                int row = (gy + ty) * m + gx;
                double wyv = _weights[wy + ty];
                for (int tx = 0; tx < p; tx++)
                {
                    double w = wyv * _weights[wx + tx];
                    _charges[row + tx] += (float)w;
                    _charges[cells + row + tx] += (float)(w * x);
                    _charges[2 * cells + row + tx] += (float)(w * y);
                }
            }
        }

        // 3. Node potentials K2 * 1, K2 * x, K2 * y, and Σ_i Σ_j K1(y_i − y_j) (self-pairs included).
        double pairSum = _convolution.Convolve(m, h, _charges, _potentials);

        // 4. Interpolate the potentials back to the points: Σ_j w_ij² (y_i − y_j) = y_i φ2 − (φ2x, φ2y).
        Parallelism.For(n, _threads, (start, end, _) =>
        {
            for (int i = start; i < end; i++)
            {
                double phi2 = 0, fx = 0, fy = 0;
                int gx = _node[2 * i], gy = _node[2 * i + 1];
                int wx = 2 * i * p, wy = (2 * i + 1) * p;
                for (int ty = 0; ty < p; ty++)
                {
                    int row = (gy + ty) * m + gx;
                    double wyv = _weights[wy + ty];
                    for (int tx = 0; tx < p; tx++)
                    {
                        double w = wyv * _weights[wx + tx];
                        int g = row + tx;
                        phi2 += w * _potentials[g];
                        fx += w * _potentials[cells + g];
                        fy += w * _potentials[2 * cells + g];
                    }
                }

                forces[2 * i] = (embedding[2 * i] - cx) * phi2 - fx;
                forces[2 * i + 1] = (embedding[2 * i + 1] - cy) * phi2 - fy;
            }
        });
        return pairSum - n;
    }

    private static void Lagrange(double u, Span<double> w)
    {
        // Nodes at t + 0.5, t = 0..p−1.
        for (int t = 0; t < w.Length; t++)
        {
            double v = 1;
            for (int s = 0; s < w.Length; s++)
            {
                if (s != t) v *= (u - (s + 0.5)) / (t - s);
            }

            w[t] = v;
        }
    }

    private void EnsureBuffers(int n, int m)
    {
        if (_node.Length != 2 * n)
        {
            _node = new int[2 * n];
            _weights = new double[2 * n * InterpolationPoints];
        }

        if (_charges.Length != 3 * m * m)
        {
            _charges = new float[3 * m * m];
            _potentials = new float[3 * m * m];
        }
    }

    /// <inheritdoc />
    public void Dispose() => _convolution.Dispose();
}
