using static TorchSharp.torch;

namespace Lumen.Attributions.Relevance;

/// <summary>Zennit's stabiliser for LRP denominators: z + ε·sign(z), with sign(0) = +1.</summary>
public static class Stabilizer
{
    /// <summary>The default ε of every rule (Zennit's).</summary>
    public const double DefaultEpsilon = 1e-6;

    /// <summary>Returns z + ε·sign(z) with sign(0) = +1, so the result is never zero for ε &gt; 0.</summary>
    public static Tensor Stabilize(Tensor z, double epsilon = DefaultEpsilon)
    {
        using var scope = NewDisposeScope();
        Tensor sign = z.ge(0).to_type(z.dtype) * 2 - 1;
        return (z + sign * epsilon).MoveToOuterDisposeScope();
    }
}
