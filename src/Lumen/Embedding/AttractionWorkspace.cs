namespace Lumen.Embedding;

/// <summary>Buffers of <see cref="AttractiveForces.Compute"/> kept between iterations, so the loop allocates nothing.</summary>
public sealed class AttractionWorkspace
{
    private float[] _coordinates = [];
    private float[][] _sums = [];

    internal float[] Coordinates(int length)
    {
        if (_coordinates.Length != length) _coordinates = new float[length];
        return _coordinates;
    }

    internal float[][] Sums(int parts, int length)
    {
        if (_sums.Length != parts || _sums[0].Length != length)
            _sums = Enumerable.Range(0, parts).Select(_ => new float[length]).ToArray();
        return _sums;
    }
}
