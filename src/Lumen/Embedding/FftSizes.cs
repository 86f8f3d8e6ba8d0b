namespace Lumen.Embedding;

/// <summary>Transform lengths the mixed-radix FFT handles: products of 2 and 3 (radix 4, 2 and 3 stages).</summary>
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

    /// <summary>The radices of the stages, largest first (4s, then a 2 if needed, then 3s).</summary>
    public static int[] Factor(int n)
    {
        if (!IsSupported(n)) throw new ArgumentException($"FFT length {n} is not a product of 2s and 3s.", nameof(n));
        var radices = new List<int>();
        while (n % 4 == 0) { radices.Add(4); n /= 4; }
        if (n % 2 == 0) { radices.Add(2); n /= 2; }
        while (n % 3 == 0) { radices.Add(3); n /= 3; }
        return radices.ToArray();
    }
}
