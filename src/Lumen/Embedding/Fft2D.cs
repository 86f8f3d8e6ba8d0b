using System.Numerics;
using System.Runtime.InteropServices;

namespace Lumen.Embedding;

/// <summary>
/// In-place complex 2-D FFT of an n x n grid (n = 2^a 3^b) stored as separate real and imaginary row-major arrays.
/// </summary>
/// <remarks>
/// Each axis is transformed by a Stockham auto-sort FFT (radix 4, 2, 3 stages) whose "elements" are whole rows: a
/// butterfly combines rows with one scalar twiddle, so the inner loop runs over contiguous columns with SIMD. Columns
/// are processed in blocks that fit in cache, blocks split between threads (no shared writes, so results do not depend
/// on scheduling). The second axis is done after a transpose; <see cref="Forward"/> leaves the spectrum transposed and
/// <see cref="Inverse"/> expects that layout, which is all a convolution (pointwise product of two spectra) needs.
/// The inverse is unnormalised (multiply by 1/n² yourself).
/// </remarks>
internal sealed class Fft2D
{
    private const int BlockColumns = 32;
    private readonly int[] _radices;
    private readonly double[][] _twiddleRe;
    private readonly double[][] _twiddleIm;
    private readonly double[] _scratchRe;
    private readonly double[] _scratchIm;
    private readonly int _threads;

    public Fft2D(int n, int threads)
    {
        N = n;
        _threads = Math.Max(1, threads);
        _radices = FftSizes.Factor(n);
        _twiddleRe = new double[_radices.Length][];
        _twiddleIm = new double[_radices.Length][];
        int ns = 1;
        for (int s = 0; s < _radices.Length; s++)
        {
            int r = _radices[s];
            _twiddleRe[s] = new double[ns * r];
            _twiddleIm[s] = new double[ns * r];
            for (int k = 0; k < ns; k++)
            {
                for (int q = 0; q < r; q++)
                {
                    double angle = -2 * Math.PI * q * k / (ns * r);
                    _twiddleRe[s][k * r + q] = Math.Cos(angle);
                    _twiddleIm[s][k * r + q] = Math.Sin(angle);
                }
            }

            ns *= r;
        }

        _scratchRe = new double[n * n];
        _scratchIm = new double[n * n];
    }

    /// <summary>Grid side.</summary>
    public int N { get; }

    /// <summary>Forward transform (e^{−2πi jk/n}); output transposed.</summary>
    public void Forward(double[] re, double[] im) => Transform(re, im, inverse: false);

    /// <summary>Inverse transform (e^{+2πi jk/n}, unnormalised) of a transposed spectrum; output in natural layout.</summary>
    public void Inverse(double[] re, double[] im) => Transform(re, im, inverse: true);

    private void Transform(double[] re, double[] im, bool inverse)
    {
        AlongColumns(re, im, inverse);
        Transpose(re);
        Transpose(im);
        AlongColumns(re, im, inverse);
    }

    private void AlongColumns(double[] re, double[] im, bool inverse)
    {
        int blocks = (N + BlockColumns - 1) / BlockColumns;
        Parallelism.For(blocks, _threads, (start, end, _) =>
        {
            for (int b = start; b < end; b++)
            {
                int c0 = b * BlockColumns;
                int width = Math.Min(BlockColumns, N - c0);
                StockhamBlock(re, im, c0, width, inverse);
            }
        });
    }

    private void StockhamBlock(double[] re, double[] im, int c0, int width, bool inverse)
    {
        int n = N;
        double[] srcRe = re, srcIm = im, dstRe = _scratchRe, dstIm = _scratchIm;
        double sign = inverse ? -1 : 1;
        int ns = 1;
        for (int s = 0; s < _radices.Length; s++)
        {
            int r = _radices[s];
            int stride = n / r;
            var twRe = _twiddleRe[s];
            var twIm = _twiddleIm[s];
            for (int j = 0; j < stride; j++)
            {
                int k = j % ns;
                int dstBase = (j / ns) * ns * r + k;
                int tw = k * r;
                switch (r)
                {
                    case 4:
                        Radix4(srcRe, srcIm, dstRe, dstIm, c0, width, j, stride, dstBase, ns, twRe, twIm, tw, sign);
                        break;
                    case 2:
                        Radix2(srcRe, srcIm, dstRe, dstIm, c0, width, j, stride, dstBase, ns, twRe[tw + 1], sign * twIm[tw + 1]);
                        break;
                    default:
                        Radix3(srcRe, srcIm, dstRe, dstIm, c0, width, j, stride, dstBase, ns, twRe, twIm, tw, sign);
                        break;
                }
            }

            (srcRe, dstRe) = (dstRe, srcRe);
            (srcIm, dstIm) = (dstIm, srcIm);
            ns *= r;
        }

        if (!ReferenceEquals(srcRe, re))
        {
            for (int row = 0; row < n; row++)
            {
                int o = row * n + c0;
                Array.Copy(srcRe, o, re, o, width);
                Array.Copy(srcIm, o, im, o, width);
            }
        }
    }

    private static Span<Vector<double>> V(double[] a, int offset, int width) =>
        MemoryMarshal.Cast<double, Vector<double>>(a.AsSpan(offset, width));

    private void Radix2(double[] sRe, double[] sIm, double[] dRe, double[] dIm, int c0, int width,
        int j, int stride, int dstBase, int ns, double wr, double wi)
    {
        int n = N;
        int a0 = j * n + c0, a1 = (j + stride) * n + c0;
        int b0 = dstBase * n + c0, b1 = (dstBase + ns) * n + c0;
        int vec = width / Vector<double>.Count * Vector<double>.Count;
        var xr0 = V(sRe, a0, vec); var xi0 = V(sIm, a0, vec);
        var xr1 = V(sRe, a1, vec); var xi1 = V(sIm, a1, vec);
        var yr0 = V(dRe, b0, vec); var yi0 = V(dIm, b0, vec);
        var yr1 = V(dRe, b1, vec); var yi1 = V(dIm, b1, vec);
        var vwr = new Vector<double>(wr);
        var vwi = new Vector<double>(wi);
        for (int c = 0; c < xr0.Length; c++)
        {
            var br = xr1[c] * vwr - xi1[c] * vwi;
            var bi = xr1[c] * vwi + xi1[c] * vwr;
            yr0[c] = xr0[c] + br; yi0[c] = xi0[c] + bi;
            yr1[c] = xr0[c] - br; yi1[c] = xi0[c] - bi;
        }

        for (int c = vec; c < width; c++)
        {
            double br = sRe[a1 + c] * wr - sIm[a1 + c] * wi;
            double bi = sRe[a1 + c] * wi + sIm[a1 + c] * wr;
            double ar = sRe[a0 + c], ai = sIm[a0 + c];
            dRe[b0 + c] = ar + br; dIm[b0 + c] = ai + bi;
            dRe[b1 + c] = ar - br; dIm[b1 + c] = ai - bi;
        }
    }

    private void Radix3(double[] sRe, double[] sIm, double[] dRe, double[] dIm, int c0, int width,
        int j, int stride, int dstBase, int ns, double[] twRe, double[] twIm, int tw, double sign)
    {
        int n = N;
        int a0 = j * n + c0, a1 = (j + stride) * n + c0, a2 = (j + 2 * stride) * n + c0;
        int b0 = dstBase * n + c0, b1 = (dstBase + ns) * n + c0, b2 = (dstBase + 2 * ns) * n + c0;
        double w1r = twRe[tw + 1], w1i = sign * twIm[tw + 1], w2r = twRe[tw + 2], w2i = sign * twIm[tw + 2];
        // ω = e^{∓2πi/3}: y1 = a − s/2 + t·(b − c), y2 = a − s/2 − t·(b − c) with t = ∓i·√3/2.
        double h = -sign * Math.Sqrt(3) / 2;
        for (int c = 0; c < width; c++)
        {
            double ar = sRe[a0 + c], ai = sIm[a0 + c];
            double br = sRe[a1 + c] * w1r - sIm[a1 + c] * w1i, bi = sRe[a1 + c] * w1i + sIm[a1 + c] * w1r;
            double cr = sRe[a2 + c] * w2r - sIm[a2 + c] * w2i, ci = sRe[a2 + c] * w2i + sIm[a2 + c] * w2r;
            double sr = br + cr, si = bi + ci;
            double dr = br - cr, di = bi - ci;
            double mr = ar - 0.5 * sr, mi = ai - 0.5 * si;
            // t·d with t = i·h: (−h·di, h·dr)
            double tr = -h * di, ti = h * dr;
            dRe[b0 + c] = ar + sr; dIm[b0 + c] = ai + si;
            dRe[b1 + c] = mr + tr; dIm[b1 + c] = mi + ti;
            dRe[b2 + c] = mr - tr; dIm[b2 + c] = mi - ti;
        }
    }

    private void Radix4(double[] sRe, double[] sIm, double[] dRe, double[] dIm, int c0, int width,
        int j, int stride, int dstBase, int ns, double[] twRe, double[] twIm, int tw, double sign)
    {
        int n = N;
        int a0 = j * n + c0, a1 = (j + stride) * n + c0, a2 = (j + 2 * stride) * n + c0, a3 = (j + 3 * stride) * n + c0;
        int b0 = dstBase * n + c0, b1 = (dstBase + ns) * n + c0, b2 = (dstBase + 2 * ns) * n + c0, b3 = (dstBase + 3 * ns) * n + c0;
        var w1r = new Vector<double>(twRe[tw + 1]); var w1i = new Vector<double>(sign * twIm[tw + 1]);
        var w2r = new Vector<double>(twRe[tw + 2]); var w2i = new Vector<double>(sign * twIm[tw + 2]);
        var w3r = new Vector<double>(twRe[tw + 3]); var w3i = new Vector<double>(sign * twIm[tw + 3]);
        var vs = new Vector<double>(sign);
        int vec = width / Vector<double>.Count * Vector<double>.Count;
        var x0r = V(sRe, a0, vec); var x0i = V(sIm, a0, vec);
        var x1r = V(sRe, a1, vec); var x1i = V(sIm, a1, vec);
        var x2r = V(sRe, a2, vec); var x2i = V(sIm, a2, vec);
        var x3r = V(sRe, a3, vec); var x3i = V(sIm, a3, vec);
        var y0r = V(dRe, b0, vec); var y0i = V(dIm, b0, vec);
        var y1r = V(dRe, b1, vec); var y1i = V(dIm, b1, vec);
        var y2r = V(dRe, b2, vec); var y2i = V(dIm, b2, vec);
        var y3r = V(dRe, b3, vec); var y3i = V(dIm, b3, vec);
        for (int c = 0; c < x0r.Length; c++)
        {
            var ar = x0r[c]; var ai = x0i[c];
            var br = x1r[c] * w1r - x1i[c] * w1i; var bi = x1r[c] * w1i + x1i[c] * w1r;
            var cr = x2r[c] * w2r - x2i[c] * w2i; var ci = x2r[c] * w2i + x2i[c] * w2r;
            var dr = x3r[c] * w3r - x3i[c] * w3i; var di = x3r[c] * w3i + x3i[c] * w3r;
            var apcR = ar + cr; var apcI = ai + ci;
            var amcR = ar - cr; var amcI = ai - ci;
            var bpdR = br + dr; var bpdI = bi + di;
            var bmdR = br - dr; var bmdI = bi - di;
            // ω = e^{−2πi·sign/4} = −i·sign; ω·z = sign·(z.im, −z.re)
            var obR = vs * bmdI; var obI = -(vs * bmdR);
            y0r[c] = apcR + bpdR; y0i[c] = apcI + bpdI;
            y1r[c] = amcR + obR; y1i[c] = amcI + obI;
            y2r[c] = apcR - bpdR; y2i[c] = apcI - bpdI;
            y3r[c] = amcR - obR; y3i[c] = amcI - obI;
        }

        double s = sign;
        double t1r = twRe[tw + 1], t1i = s * twIm[tw + 1], t2r = twRe[tw + 2], t2i = s * twIm[tw + 2], t3r = twRe[tw + 3], t3i = s * twIm[tw + 3];
        for (int c = vec; c < width; c++)
        {
            double ar = sRe[a0 + c], ai = sIm[a0 + c];
            double br = sRe[a1 + c] * t1r - sIm[a1 + c] * t1i, bi = sRe[a1 + c] * t1i + sIm[a1 + c] * t1r;
            double cr = sRe[a2 + c] * t2r - sIm[a2 + c] * t2i, ci = sRe[a2 + c] * t2i + sIm[a2 + c] * t2r;
            double dr = sRe[a3 + c] * t3r - sIm[a3 + c] * t3i, di = sRe[a3 + c] * t3i + sIm[a3 + c] * t3r;
            double apcR = ar + cr, apcI = ai + ci, amcR = ar - cr, amcI = ai - ci;
            double bpdR = br + dr, bpdI = bi + di, bmdR = br - dr, bmdI = bi - di;
            double obR = s * bmdI, obI = -s * bmdR;
            dRe[b0 + c] = apcR + bpdR; dIm[b0 + c] = apcI + bpdI;
            dRe[b1 + c] = amcR + obR; dIm[b1 + c] = amcI + obI;
            dRe[b2 + c] = apcR - bpdR; dIm[b2 + c] = apcI - bpdI;
            dRe[b3 + c] = amcR - obR; dIm[b3 + c] = amcI - obI;
        }
    }

    private void Transpose(double[] a)
    {
        int n = N;
        const int tile = 32;
        int tiles = (n + tile - 1) / tile;
        Parallelism.For(tiles, _threads, (start, end, _) =>
        {
            for (int bi = start; bi < end; bi++)
            {
                for (int bj = bi; bj < tiles; bj++)
                {
                    int i0 = bi * tile, j0 = bj * tile;
                    int i1 = Math.Min(n, i0 + tile), j1 = Math.Min(n, j0 + tile);
                    for (int i = i0; i < i1; i++)
                    {
                        for (int j = bi == bj ? i + 1 : j0; j < j1; j++)
                        {
                            (a[i * n + j], a[j * n + i]) = (a[j * n + i], a[i * n + j]);
                        }
                    }
                }
            }
        });
    }
}
