namespace Lumen.Embedding;

/// <summary>Grid sizes the FFT engine uses: products of 2 and 3, which FFT libraries transform fastest.</summary>
internal static class FftSizes
{
    /// <summary>Whether <paramref name="n"/> is 2^a 3^b with n ≥ 1.</summary>
    public static bool IsSupported(int n)
    {
        if (n < 1) return false;
        while (n % 2 == 0) n /= 2;
        while (n % 3 == 0) n /= 3;
        return n == 1;
    }
}
