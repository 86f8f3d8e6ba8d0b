using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Embedding;

/// <summary>
/// A dense matrix of float32 values stored row-major in one array: <see cref="Rows"/> points (samples) by
/// <see cref="Columns"/> features. The input of the neighbour search, perplexity calibration and quality figures.
/// </summary>
public sealed class FeatureMatrix
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as a <paramref name="rows"/> x <paramref name="columns"/> matrix.</summary>
    /// <exception cref="ArgumentException">The array length is not rows x columns.</exception>
    public FeatureMatrix(int rows, int columns, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (data.LongLength != (long)rows * columns)
        {
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} values, not {data.LongLength}.", nameof(data));
        }

        Rows = rows;
        Columns = columns;
        Data = data;
    }

    /// <summary>Number of points (rows).</summary>
    public int Rows { get; }

    /// <summary>Number of features (columns).</summary>
    public int Columns { get; }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The features of point <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => new(Data, row * Columns, Columns);

    /// <summary>Copies a 2-D tensor of any float or integer dtype (converted to float32) into a new matrix.</summary>
    /// <exception cref="LumenException">The tensor is not 2-D or holds NaN or infinite values (kind InputData).</exception>
    public static FeatureMatrix FromTensor(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 2)
        {
            throw LumenException.InputData($"Features must be a 2-D [N, D] array, not {tensor.dim()}-D {MessageText.Shape(tensor.shape)}; reshape it to one row per point.");
        }

        using var scope = NewDisposeScope();
        var values = tensor.to(ScalarType.Float32).cpu().contiguous();
        var data = new float[values.numel()];
        values.bytes.CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
        foreach (var v in data)
        {
            if (!float.IsFinite(v))
            {
                throw LumenException.InputData("The features hold NaN or infinite values; remove those rows or fix how the features were computed.");
            }
        }

        return new FeatureMatrix((int)tensor.shape[0], (int)tensor.shape[1], data);
    }

    /// <summary>A new float32 CPU tensor [Rows, Columns] with a copy of the values; the caller owns it.</summary>
    public Tensor ToTensor()
    {
        var tensor = empty([Rows, Columns], ScalarType.Float32);
        MemoryMarshal.AsBytes(Data.AsSpan()).CopyTo(tensor.bytes);
        return tensor;
    }
}
