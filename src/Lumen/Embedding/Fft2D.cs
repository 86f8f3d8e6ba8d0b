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
    private readonly float[][] _twiddleRe;
    private readonly float[][] _twiddleIm;
    private readonly float[] _scratchRe;
    private readonly float[] _scratchIm;
    private readonly int _threads;

    public Fft2D(int n, int threads)
    {
        N = n;
        _threads = Math.Max(1, threads);
        _radices = FftSizes.Factor(n);
        _twiddleRe = new float[_radices.Length][];
        _twiddleIm = new float[_radices.Length][];
        int ns = 1;
        for (int s = 0; s < _radices.Length; s++)
        {
            int r = _radices[s];
            _twiddleRe[s] = new float[ns * r];
            _twiddleIm[s] = new float[ns * r];
            for (int k = 0; k < ns; k++)
            {
                for (int q = 0; q < r; q++)
                {
                    double angle = -2 * Math.PI * q * k / (ns * r);
                    _twiddleRe[s][k * r + q] = (float)Math.Cos(angle);
                    _twiddleIm[s][k * r + q] = (float)Math.Sin(angle);
                }
            }

            ns *= r;
        }

        _scratchRe = new float[n * n];
        _scratchIm = new float[n * n];
    }

    /// <summary>Grid side.</summary>
    public int N { get; }

    /// <summary>Forward transform (e^{−2πi jk/n}); output transposed.</summary>
    /// <param name="re">Real parts, row-major n x n.</param>
    /// <param name="im">Imaginary parts.</param>
    /// <param name="nonZeroColumns">Columns at and after this index must be all zero on input (they are skipped in the first pass).</param>
    public void Forward(float[] re, float[] im, int nonZeroColumns = int.MaxValue)
    {
        AlongColumns(re, im, false, Math.Min(N, nonZeroColumns));
        Transpose(re);
        Transpose(im);
        AlongColumns(re, im, false, N);
    }

    /// <summary>Inverse transform (e^{+2πi jk/n}, unnormalised) of a transposed spectrum; output in natural layout.</summary>
    /// <param name="re">Real parts of the transposed spectrum; receives the result.</param>
    /// <param name="im">Imaginary parts.</param>
    /// <param name="neededColumns">Only output columns before this index are computed (the others hold garbage).</param>
    public void Inverse(float[] re, float[] im, int neededColumns = int.MaxValue)
    {
        AlongColumns(re, im, true, N);
        Transpose(re);
        Transpose(im);
        AlongColumns(re, im, true, Math.Min(N, neededColumns));
    }

    private void AlongColumns(float[] re, float[] im, bool inverse, int columns)
    {
        int blocks = (columns + BlockColumns - 1) / BlockColumns;
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

    private void StockhamBlock(float[] re, float[] im, int c0, int width, bool inverse)
    {
        int n = N;
        float[] srcRe = re, srcIm = im, dstRe = _scratchRe, dstIm = _scratchIm;
        float sign = inverse ? -1 : 1;
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

    private static Span<Vector<float>> V(float[] a, int offset, int width) =>
        MemoryMarshal.Cast<float, Vector<float>>(a.AsSpan(offset, width));

    private void Radix2(float[] sRe, float[] sIm, float[] dRe, float[] dIm, int c0, int width,
        int j, int stride, int dstBase, int ns, float wr, float wi)
    {
        int n = N;
        int a0 = j * n + c0, a1 = (j + stride) * n + c0;
        int b0 = dstBase * n + c0, b1 = (dstBase + ns) * n + c0;
        int vec = width / Vector<float>.Count * Vector<float>.Count;
        var xr0 = V(sRe, a0, vec); var xi0 = V(sIm, a0, vec);
        var xr1 = V(sRe, a1, vec); var xi1 = V(sIm, a1, vec);
        var yr0 = V(dRe, b0, vec); var yi0 = V(dIm, b0, vec);
        var yr1 = V(dRe, b1, vec); var yi1 = V(dIm, b1, vec);
        var vwr = new Vector<float>(wr);
        var vwi = new Vector<float>(wi);
        for (int c = 0; c < xr0.Length; c++)
        {
            var br = xr1[c] * vwr - xi1[c] * vwi;
            var bi = xr1[c] * vwi + xi1[c] * vwr;
            yr0[c] = xr0[c] + br; yi0[c] = xi0[c] + bi;
            yr1[c] = xr0[c] - br; yi1[c] = xi0[c] - bi;
        }

        for (int c = vec; c < width; c++)
        {
            float br = sRe[a1 + c] * wr - sIm[a1 + c] * wi;
            float bi = sRe[a1 + c] * wi + sIm[a1 + c] * wr;
            float ar = sRe[a0 + c], ai = sIm[a0 + c];
            dRe[b0 + c] = ar + br; dIm[b0 + c] = ai + bi;
            dRe[b1 + c] = ar - br; dIm[b1 + c] = ai - bi;
        }
    }

    private void Radix3(float[] sRe, float[] sIm, float[] dRe, float[] dIm, int c0, int width,
        int j, int stride, int dstBase, int ns, float[] twRe, float[] twIm, int tw, float sign)
    {
        int n = N;
        int a0 = j * n + c0, a1 = (j + stride) * n + c0, a2 = (j + 2 * stride) * n + c0;
        int b0 = dstBase * n + c0, b1 = (dstBase + ns) * n + c0, b2 = (dstBase + 2 * ns) * n + c0;
        float w1r = twRe[tw + 1], w1i = sign * twIm[tw + 1], w2r = twRe[tw + 2], w2i = sign * twIm[tw + 2];
        // ω = e^{∓2πi/3}: y1 = a − s/2 + t·(b − c), y2 = a − s/2 − t·(b − c) with t = ∓i·√3/2.
        float h = -sign * MathF.Sqrt(3) / 2;
        for (int c = 0; c < width; c++)
        {
            float ar = sRe[a0 + c], ai = sIm[a0 + c];
            float br = sRe[a1 + c] * w1r - sIm[a1 + c] * w1i, bi = sRe[a1 + c] * w1i + sIm[a1 + c] * w1r;
            float cr = sRe[a2 + c] * w2r - sIm[a2 + c] * w2i, ci = sRe[a2 + c] * w2i + sIm[a2 + c] * w2r;
            float sr = br + cr, si = bi + ci;
            float dr = br - cr, di = bi - ci;
            float mr = ar - 0.5f * sr, mi = ai - 0.5f * si;
            // t·d with t = i·h: (−h·di, h·dr)
            float tr = -h * di, ti = h * dr;
            dRe[b0 + c] = ar + sr; dIm[b0 + c] = ai + si;
            dRe[b1 + c] = mr + tr; dIm[b1 + c] = mi + ti;
            dRe[b2 + c] = mr - tr; dIm[b2 + c] = mi - ti;
        }
    }

    private void Radix4(float[] sRe, float[] sIm, float[] dRe, float[] dIm, int c0, int width,
        int j, int stride, int dstBase, int ns, float[] twRe, float[] twIm, int tw, float sign)
    {
        int n = N;
        int a0 = j * n + c0, a1 = (j + stride) * n + c0, a2 = (j + 2 * stride) * n + c0, a3 = (j + 3 * stride) * n + c0;
        int b0 = dstBase * n + c0, b1 = (dstBase + ns) * n + c0, b2 = (dstBase + 2 * ns) * n + c0, b3 = (dstBase + 3 * ns) * n + c0;
        var w1r = new Vector<float>(twRe[tw + 1]); var w1i = new Vector<float>(sign * twIm[tw + 1]);
        var w2r = new Vector<float>(twRe[tw + 2]); var w2i = new Vector<float>(sign * twIm[tw + 2]);
        var w3r = new Vector<float>(twRe[tw + 3]); var w3i = new Vector<float>(sign * twIm[tw + 3]);
        var vs = new Vector<float>(sign);
        int vec = width / Vector<float>.Count * Vector<float>.Count;
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

        float s = sign;
        float t1r = twRe[tw + 1], t1i = s * twIm[tw + 1], t2r = twRe[tw + 2], t2i = s * twIm[tw + 2], t3r = twRe[tw + 3], t3i = s * twIm[tw + 3];
        for (int c = vec; c < width; c++)
        {
            float ar = sRe[a0 + c], ai = sIm[a0 + c];
            float br = sRe[a1 + c] * t1r - sIm[a1 + c] * t1i, bi = sRe[a1 + c] * t1i + sIm[a1 + c] * t1r;
            float cr = sRe[a2 + c] * t2r - sIm[a2 + c] * t2i, ci = sRe[a2 + c] * t2i + sIm[a2 + c] * t2r;
            float dr = sRe[a3 + c] * t3r - sIm[a3 + c] * t3i, di = sRe[a3 + c] * t3i + sIm[a3 + c] * t3r;
            float apcR = ar + cr, apcI = ai + ci, amcR = ar - cr, amcI = ai - ci;
            float bpdR = br + dr, bpdI = bi + di, bmdR = br - dr, bmdI = bi - di;
            float obR = s * bmdI, obI = -s * bmdR;
            dRe[b0 + c] = apcR + bpdR; dIm[b0 + c] = apcI + bpdI;
            dRe[b1 + c] = amcR + obR; dIm[b1 + c] = amcI + obI;
            dRe[b2 + c] = apcR - bpdR; dIm[b2 + c] = apcI - bpdI;
            dRe[b3 + c] = amcR - obR; dIm[b3 + c] = amcI - obI;
        }
    }

    private void Transpose(float[] a)
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
