namespace Lumen.Embedding;

/// <summary>Grid sizes the FFT engine uses: products of 2, 3, 5 and 7, which FFT libraries transform fastest.</summary>
internal static class FftSizes
{
    private static readonly int[] Factors = { 2, 3, 5, 7 };

    /// <summary>Whether <paramref name="n"/> is 2^a 3^b 5^c 7^d with n ≥ 1.</summary>
    public static bool IsSupported(int n)
    {
        if (n < 1) return false;
        foreach (int factor in Factors)
            while (n % factor == 0) n /= factor;
        return n == 1;
    }
}
