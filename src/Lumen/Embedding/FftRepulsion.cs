namespace Lumen.Embedding;

/// <summary>
/// FFT-accelerated interpolation of the repulsive forces (FIt-SNE, Linderman et al. 2019) for a 2-D embedding.
/// </summary>
/// <remarks>
/// Three smooth kernels of the offset d = y_i − y_j are convolved with unit charges at the points: K1 = 1/(1 + |d|²)
/// gives Z = Σ_i Σ_j K1 − N, and (Kx, Ky) = d/(1 + |d|²)² give the forces Σ_j w_ij² (y_i − y_j) directly (FIt-SNE
/// instead uses one kernel and four charges 1, y_x, y_y, |y|², whose recombination cancels large terms; this form
/// avoids that and needs 4 FFTs instead of 5). The embedding's bounding square is cut into B x B boxes
/// (B ≥ <see cref="MinIntervals"/> and ≥ the side length, rounded up to 2^a 3^b), each with
/// <see cref="InterpolationPoints"/>² equispaced nodes; charges are spread to the nodes with Lagrange polynomials,
/// the node-to-node sums are a Toeplitz convolution done by a zero-padded 2-D FFT (the kernels' spectra computed once per grid
/// spacing), and the node potentials are interpolated back with the same polynomials.
/// Speed: the grid spacing is rounded up to a 2 % geometric ladder so the kernels' spectra are reused for as long as
/// the embedding's extent stays on one rung (recomputed only then); grids are float32 (the FFT's rounding error,
/// about 1e-6, is far below the interpolation error); zero-padded quarters are skipped in the FFT passes.
/// </remarks>
public sealed class FftRepulsion : IRepulsiveForces
{
    /// <summary>Interpolation nodes per box and axis (FIt-SNE and openTSNE: 3).</summary>
    public const int InterpolationPoints = 3;

    /// <summary>Ratio between consecutive allowed grid spacings.</summary>
    public const double SpacingStep = 1.02;

    private readonly int _threads;
    private Fft2D? _fft;
    private float[] _aRe = [], _aIm = [], _bRe = [], _bIm = [];
    private float[] _k1 = [], _kxyRe = [], _kxyIm = [];
    private double _kernelSpacing = double.NaN;
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
    public int KernelTransforms { get; private set; }

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
        int m = boxes * p, size = 2 * m;
        // Node spacing rounded up to the ladder SpacingStep^j, so the square (side m·h) covers the data.
        double h = Math.Pow(SpacingStep, Math.Ceiling(Math.Log(needed / m) / Math.Log(SpacingStep)));
        double side = m * h, boxWidth = p * h;
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, lo = -side / 2;
        EnsureBuffers(n, size);
        if (h != _kernelSpacing) TransformKernels(m, size, h);

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

        // 2. Spread the unit charges onto the node grid.
        Array.Clear(_aRe); Array.Clear(_aIm);
        for (int i = 0; i < n; i++)
        {
            int gx = _node[2 * i], gy = _node[2 * i + 1];
            int wx = 2 * i * p, wy = (2 * i + 1) * p;
            for (int ty = 0; ty < p; ty++)
            {
                int row = (gy + ty) * size + gx;
                double wyv = _weights[wy + ty];
                for (int tx = 0; tx < p; tx++) _aRe[row + tx] += (float)(wyv * _weights[wx + tx]);
            }
        }

        // 3. Convolve: spectrum of the charges times the kernels' spectra, back to the grid (only the m x m corner is used).
        var fft = _fft!;
        fft.Forward(_aRe, _aIm, nonZeroColumns: m);
        Parallelism.For(size * size, _threads, (start, end, _) =>
        {
            for (int g = start; g < end; g++)
            {
                float qr = _aRe[g], qi = _aIm[g], kr = _kxyRe[g], ki = _kxyIm[g], k1 = _k1[g];
                _bRe[g] = qr * kr - qi * ki;
                _bIm[g] = qr * ki + qi * kr;
                _aRe[g] = qr * k1;
                _aIm[g] = qi * k1;
            }
        });
        fft.Inverse(_aRe, _aIm, neededColumns: m);
        fft.Inverse(_bRe, _bIm, neededColumns: m);

        // 4. Interpolate the potentials back to the points: forces from grid b, Σ_j 1/(1 + d²) from grid a.
        int parts = Math.Max(1, Math.Min(_threads, n));
        var zParts = new double[parts];
        Parallelism.For(n, parts, (start, end, part) =>
        {
            double z = 0;
            for (int i = start; i < end; i++)
            {
                double fx = 0, fy = 0, zi = 0;
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
                        zi += w * _aRe[g];
                        fx += w * _bRe[g];
                        fy += w * _bIm[g];
                    }
                }

                z += zi;
                forces[2 * i] = fx;
                forces[2 * i + 1] = fy;
            }

            zParts[part] = z;
        });
        return zParts.Sum() - n;
    }

    // Kernels on node offsets, circulant-embedded (offsets −(m−1)..(m−1); offset ±m stays 0), transformed once per
    // spacing h and pre-scaled by 1/size² (the inverse FFT is unnormalised). K1 is real and even: its spectrum is real.
    private void TransformKernels(int m, int size, double h)
    {
        Array.Clear(_k1); Array.Clear(_bIm); Array.Clear(_kxyRe); Array.Clear(_kxyIm);
        Parallelism.For(size, _threads, (start, end, _) =>
        {
            for (int r = start; r < end; r++)
            {
                if (r == m) continue;
                int dy = r < m ? r : r - size;
                for (int c = 0; c < size; c++)
                {
                    if (c == m) continue;
                    int dx = c < m ? c : c - size;
                    double k = 1 / (1 + h * h * ((double)dx * dx + (double)dy * dy));
                    int g = r * size + c;
                    _k1[g] = (float)k;
                    _kxyRe[g] = (float)(h * dx * k * k);
                    _kxyIm[g] = (float)(h * dy * k * k);
                }
            }
        });
        _fft!.Forward(_k1, _bIm);
        _fft.Forward(_kxyRe, _kxyIm);
        float scale = 1f / ((float)size * size);
        for (int g = 0; g < _k1.Length; g++)
        {
            _k1[g] *= scale;
            _kxyRe[g] *= scale;
            _kxyIm[g] *= scale;
        }

        _kernelSpacing = h;
        KernelTransforms++;
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
            _aRe = new float[cells]; _aIm = new float[cells]; _bRe = new float[cells]; _bIm = new float[cells];
            _k1 = new float[cells]; _kxyRe = new float[cells]; _kxyIm = new float[cells];
            _kernelSpacing = double.NaN;
        }
    }
}
