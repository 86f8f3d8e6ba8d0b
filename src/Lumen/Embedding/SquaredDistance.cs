using System.Numerics;
using System.Runtime.InteropServices;

namespace Lumen.Embedding;

/// <summary>Squared Euclidean distance between two feature vectors, vectorised.</summary>
internal static class SquaredDistance
{
    /// <summary>Σ (a_i − b_i)², accumulated in float32 with SIMD.</summary>
    public static float Between(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (int i = 0; i < va.Length; i++)
        {
            var d = va[i] - vb[i];
            sum += d * d;
        }

        float total = Vector.Sum(sum);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            total += d * d;
        }

        return total;
    }
}
