using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Embedding;

/// <summary>
/// Sums the t-SNE kernels K1 = 1/(1 + |d|²) and K2 = K1² over an m x m grid of equispaced nodes: for charges q on the
/// nodes, φ(a) = Σ_b K(h·(a − b)) q(b). The sums are a Toeplitz convolution, done by libtorch's real 2-D FFTs on the
/// grid zero-padded to 2m x 2m (the kernel circulant-embedded: offsets −(m−1)..(m−1), offset ±m zero).
/// </summary>
/// <remarks>
/// The kernels are real and even, so their spectra are real; they are computed once per (m, h) and reused. Grids
/// are float32: the FFT's rounding error (about 1e-6 relative) is far below the interpolation error of the nodes.
/// </remarks>
internal sealed class KernelConvolution : IDisposable
{
    private Tensor? _parsevalK1;
    private Tensor? _vectorSpectra;
    private int _nodes = -1;
    private double _spacing = double.NaN;

    /// <summary>
    /// Convolves the unit-charge grid <paramref name="charges"/> ([m, m]) with the vector kernel K2(d)·d and writes its two
    /// components (x, then y) to <paramref name="potentials"/> ([2, m, m]). Returns Σ_a q(a) (K1 * q)(a), which equals
    /// Σ_i of K1's potential interpolated at the points; computed by Parseval's identity, Σ_f K̂1(f) |q̂(f)|² / (2m)², so
    /// K1's potential needs no inverse transform.
    /// </summary>
    /// <remarks>
    /// Each transform is split into 1-D passes that skip what is known or not needed: the forward row pass only
    /// transforms the m rows that hold charges, the inverse row pass only the m rows that are read.
    /// </remarks>
    public double Convolve(int m, double spacing, float[] charges, float[] potentials)
    {
        if (charges.Length != m * m || potentials.Length != 2 * m * m)
            throw new ArgumentException($"The charge grid must hold {m} x {m} nodes and the potentials 2 grids of them.");
        EnsureKernels(m, spacing);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        long size = 2L * m;
        var grid = torch.empty(new long[] { m, m });
        MemoryMarshal.AsBytes(charges.AsSpan()).CopyTo(grid.bytes);
        var spectrum = torch.fft.fft_(torch.fft.rfft(grid, size, 1), size, 0);
        var rows = torch.fft.ifft(spectrum.unsqueeze(0) * _vectorSpectra!, size, 1)[.., ..m];
        // The spectrum is not needed any more: its squared magnitudes are formed in place.
        double unitSum = torch.view_as_real(spectrum).pow_(2).mul_(_parsevalK1!).sum().item<float>();
        var potential = torch.fft.irfft(rows, size, 2)[.., .., ..m].contiguous();
        potential.bytes.CopyTo(MemoryMarshal.AsBytes(potentials.AsSpan()));
        return unitSum;
    }

    private void EnsureKernels(int m, double spacing)
    {
        if (m == _nodes && spacing == _spacing) return;
        _parsevalK1?.Dispose();
        _vectorSpectra?.Dispose();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long size = 2L * m;
        var index = torch.arange(size, dtype: ScalarType.Float64);
        // Offsets in float64, the grids in float32 like the charges (relative error about 1e-7).
        var offset = (torch.where(index < m, index, index - size) * spacing).to(ScalarType.Float32);
        var squared = offset.square();
        var k1 = 1 / (1 + squared.unsqueeze(1) + squared.unsqueeze(0));
        // Offset ±m is outside the kernel's support (the circulant embedding's unused row and column).
        k1[m] = 0;
        k1[.., m] = 0;
        var k2 = k1.square();
        // Rows are y, columns x: the x component is K2 times the column offset.
        var spectra = torch.fft.rfft2(torch.stack(new[] { k1, k2 * offset.unsqueeze(0), k2 * offset.unsqueeze(1) }));
        // Parseval over the half spectrum: columns 1 .. m − 1 stand for two columns of the full one. Stored per real
        // and imaginary part, to weigh the squares of both.
        var columnWeight = torch.full(size / 2 + 1, 2.0 / (size * size), dtype: ScalarType.Float32);
        columnWeight[0] = columnWeight[-1] = 1.0f / (size * size);
        _parsevalK1 = (spectra[0].real * columnWeight).unsqueeze(-1).expand(size, size / 2 + 1, 2).contiguous().MoveToOuterDisposeScope();
        _vectorSpectra = spectra[1..].contiguous().MoveToOuterDisposeScope();
        _nodes = m;
        _spacing = spacing;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _parsevalK1?.Dispose();
        _vectorSpectra?.Dispose();
        _parsevalK1 = _vectorSpectra = null;
    }
}
