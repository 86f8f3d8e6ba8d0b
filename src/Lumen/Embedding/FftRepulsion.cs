namespace Lumen.Embedding;

/// <summary>
/// FFT-accelerated interpolation of the repulsive forces (FIt-SNE, Linderman et al. 2019) for a 2-D embedding.
/// </summary>
/// <remarks>
/// With the squared Cauchy kernel K(y, z) = 1 / (1 + |y − z|²)², four potentials φ_c(y_i) = Σ_j K(y_i, y_j) q_c(j)
/// with charges q = (1, y_x, y_y, |y|²) give both the forces, Σ_j K (y_i − y_j) = y_i φ_0 − (φ_1, φ_2), and
/// Z = Σ_{i≠j} 1/(1 + d²) = Σ_i [(1 + |y_i|²) φ_0 − 2 y_i·(φ_1, φ_2) + φ_3] − N. The embedding's bounding square is cut
/// into B x B boxes (B ≥ <see cref="MinIntervals"/> and ≥ the side length, rounded up to 2^a 3^b), each with
/// <see cref="InterpolationPoints"/>² equispaced nodes; charges are spread to the nodes with Lagrange polynomials,
/// the node-to-node sums are a Toeplitz convolution done by a zero-padded 2-D FFT, and the node potentials are
/// interpolated back with the same polynomials. Coordinates are centred on the box first (the result is
/// translation-invariant) to keep the cancellations in Z small.
/// </remarks>
public sealed class FftRepulsion : IRepulsiveForces
{
    /// <summary>Interpolation nodes per box and axis (FIt-SNE and openTSNE: 3).</summary>
    public const int InterpolationPoints = 3;

    private readonly int _threads;
    private Fft2D? _fft;
    private double[] _aRe = [], _aIm = [], _bRe = [], _bIm = [], _kRe = [], _kIm = [];
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

        double side = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-6);
        int boxes = RoundBoxes(Math.Max(MinIntervals, (int)Math.Ceiling(side * IntervalsPerUnit)));
        LastBoxes = boxes;
        int m = boxes * p, size = 2 * m;
        double boxWidth = side / boxes, h = boxWidth / p;
        // Centre the square on the data; both axes share the box width.
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, lo = -side / 2;
        EnsureBuffers(n, size);

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

        // 2. Spread the four charges onto the node grid (two complex grids: a = q0 + i q1, b = q2 + i q3).
        Array.Clear(_aRe); Array.Clear(_aIm); Array.Clear(_bRe); Array.Clear(_bIm);
        for (int i = 0; i < n; i++)
        {
            double x = embedding[2 * i] - cx, y = embedding[2 * i + 1] - cy, r2 = x * x + y * y;
            int gx = _node[2 * i], gy = _node[2 * i + 1];
            int wx = 2 * i * p, wy = (2 * i + 1) * p;
            for (int ty = 0; ty < p; ty++)
            {
                int row = (gy + ty) * size + gx;
                double wyv = _weights[wy + ty];
                for (int tx = 0; tx < p; tx++)
                {
                    double w = wyv * _weights[wx + tx];
                    int g = row + tx;
                    _aRe[g] += w;
                    _aIm[g] += w * x;
                    _bRe[g] += w * y;
                    _bIm[g] += w * r2;
                }
            }
        }

        // 3. Kernel on node offsets, circulant-embedded (offsets −(m−1)..(m−1); index m stays 0), and the convolution.
        Array.Clear(_kRe); Array.Clear(_kIm);
        Parallelism.For(size, _threads, (start, end, _) =>
        {
            for (int r = start; r < end; r++)
            {
                int dy = r < m ? r : r - size;
                if (r == m) continue;
                for (int c = 0; c < size; c++)
                {
                    if (c == m) continue;
                    int dx = c < m ? c : c - size;
                    double d2 = h * h * ((double)dx * dx + (double)dy * dy);
                    double k = 1 / (1 + d2);
                    _kRe[r * size + c] = k * k;
                }
            }
        });
        _fft!.Forward(_kRe, _kIm);
        _fft.Forward(_aRe, _aIm);
        _fft.Forward(_bRe, _bIm);
        double scale = 1.0 / ((double)size * size);
        Parallelism.For(size * size, _threads, (start, end, _) =>
        {
            // The kernel is real and even, so its spectrum is real.
            for (int g = start; g < end; g++)
            {
                double k = _kRe[g] * scale;
                _aRe[g] *= k; _aIm[g] *= k; _bRe[g] *= k; _bIm[g] *= k;
            }
        });
        _fft.Inverse(_aRe, _aIm);
        _fft.Inverse(_bRe, _bIm);

        // 4. Interpolate the potentials back to the points; forces and Z.
        int parts = Math.Max(1, Math.Min(_threads, n));
        var zParts = new double[parts];
        Parallelism.For(n, parts, (start, end, part) =>
        {
            double z = 0;
            for (int i = start; i < end; i++)
            {
                double phi0 = 0, phi1 = 0, phi2 = 0, phi3 = 0;
                int gx = _node[2 * i], gy = _node[2 * i + 1];
                int wx = 2 * i * p, wy = (2 * i + 1) * p;
                for (int ty = 0; ty < p; ty++)
                {
                    int row = (gy + ty) * size + gx;
                    double wyv = _weights[wy + ty];
                    for (int tx = 0; tx < p; tx++)
                    {
                        double w = wyv * _weights[wx + tx];
                        int g = row + tx;
                        phi0 += w * _aRe[g];
                        phi1 += w * _aIm[g];
                        phi2 += w * _bRe[g];
                        phi3 += w * _bIm[g];
                    }
                }

                double x = embedding[2 * i] - cx, y = embedding[2 * i + 1] - cy;
                z += (1 + x * x + y * y) * phi0 - 2 * (x * phi1 + y * phi2) + phi3;
                forces[2 * i] = x * phi0 - phi1;
                forces[2 * i + 1] = y * phi0 - phi2;
            }

            zParts[part] = z;
        });
        return zParts.Sum() - n;
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

    private void EnsureBuffers(int n, int size)
    {
        if (_node.Length != 2 * n)
        {
            _node = new int[2 * n];
            _weights = new double[2 * n * InterpolationPoints];
        }

        if (_fft is null || _fft.N != size)
        {
            _fft = new Fft2D(size, _threads);
            int cells = size * size;
            _aRe = new double[cells]; _aIm = new double[cells]; _bRe = new double[cells]; _bIm = new double[cells];
            _kRe = new double[cells]; _kIm = new double[cells];
        }
    }
}
