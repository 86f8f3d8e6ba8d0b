using System.Globalization;
using Lumen.Runtime;

namespace Lumen.Onnx;

/// <summary>
/// The memory an ONNX import may allocate beyond the weights the file holds: the example input the graph declares,
/// the values of the example pass that are alive at once, folded constants (ConstantOfShape, Range, Expand, ...) and
/// weights widened on reading (int8 stored, int64 computed). Every such tensor is reserved here from its declared
/// size before it is allocated, so a small file declaring a huge tensor is refused instead of exhausting memory.
/// </summary>
internal sealed class ImportBudget
{
    /// <summary>
    /// The default limit: 256 MiB. A ResNet-50 or ViT-L/16 import at 224 x 224 needs well under 50 MiB beyond its
    /// weights (the example pass keeps only the values still to be used), so this is several times what real
    /// classifiers need, while keeping the peak of a hostile import far under 1 GB.
    /// </summary>
    public const long DefaultBytes = 256L << 20;

    /// <summary>
    /// How many copies of one input image the limit must hold: explanations keep the input, its gradients and
    /// activations of its size at once, so the input a graph declares may take at most an eighth of the limit
    /// (32 MiB by default: 3 x 1672 x 1672 floats; classifiers take 224 to 600, a few 1024).
    /// </summary>
    public const int InputCopies = 8;

    /// <summary>The environment variable that raises (or lowers) the limit: bytes, or a number with K, M or G (binary units).</summary>
    public const string Variable = "LUMEN_ONNX_IMPORT_MEMORY";

    private readonly string model;
    private long reserved;

    /// <summary>A budget of <paramref name="limit"/> bytes for importing <paramref name="model"/> (named in messages).</summary>
    public ImportBudget(long limit, string model)
    {
        Limit = limit;
        this.model = model;
    }

    /// <summary>The limit, in bytes.</summary>
    public long Limit { get; }

    /// <summary>The bytes reserved now.</summary>
    public long Reserved => reserved;

    /// <summary>
    /// The limit for <paramref name="options"/>: <see cref="OnnxImportOptions.MaxImportBytes"/>, else
    /// <see cref="Variable"/>, else <see cref="DefaultBytes"/>.
    /// </summary>
    public static long LimitFor(OnnxImportOptions? options)
    {
        if (options?.MaxImportBytes is long given)
        {
            if (given <= 0) throw LumenException.Usage($"OnnxImportOptions.MaxImportBytes must be positive, got {given}");
            return given;
        }

        string? text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultBytes;
        return ParseBytes(text.Trim()) ?? throw LumenException.Usage($"{Variable}='{text}' is not a size; give bytes or a number with K, M or G, e.g. {Variable}=2G");
    }

    /// <summary>Reserves <paramref name="elements"/> elements of <paramref name="elementSize"/> bytes for <paramref name="what"/>, or refuses.</summary>
    public void Reserve(long elements, long elementSize, string what)
    {
        long bytes = Bytes(elements, elementSize);
        if (bytes > Limit - reserved)
        {
            string inUse = reserved > 0 ? $" on top of the {ByteCount.Describe(reserved)} already in use" : "";
            throw LumenException.Model(
                $"ONNX model '{model}' would need {ByteCount.Describe(bytes)} for {what} while importing{inUse}, over the import memory limit of {ByteCount.Describe(Limit)}; " +
                $"if the model is genuine, raise the limit with OnnxImportOptions.MaxImportBytes or the environment variable {Variable} (e.g. {Variable}=4G)");
        }

        reserved += bytes;
    }

    /// <summary>
    /// Checks that <see cref="InputCopies"/> images of <paramref name="shape"/> (float32, batch included) fit, keeps
    /// one of them reserved and returns its bytes.
    /// </summary>
    public long ReserveInput(IReadOnlyList<long> shape)
    {
        long elements = shape.Aggregate(1L, Multiply);
        Reserve(elements, sizeof(float) * (long)InputCopies, $"{InputCopies} copies of the input [{string.Join(", ", shape)}] the graph declares (explanations hold the input, its gradients and activations of its size at once)");
        long one = Bytes(elements, sizeof(float));
        Release(Bytes(elements, sizeof(float) * (long)InputCopies) - one);
        return one;
    }

    /// <summary>Whether <see cref="InputCopies"/> images of <paramref name="shape"/> (float32, batch included) would fit now.</summary>
    public bool InputFits(IReadOnlyList<long> shape) => Bytes(shape.Aggregate(1L, Multiply), sizeof(float) * (long)InputCopies) <= Limit - reserved;

    /// <summary>Gives back <paramref name="bytes"/> reserved earlier.</summary>
    public void Release(long bytes) => reserved = Math.Max(0, reserved - bytes);

    /// <summary><paramref name="elements"/> x <paramref name="elementSize"/>, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Bytes(long elements, long elementSize) => Multiply(Math.Max(0, elements), Math.Max(1, elementSize));

    /// <summary>The product of two non-negative numbers, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Multiply(long a, long b)
    {
        if (a <= 0 || b <= 0) return 0;
        return a > long.MaxValue / b ? long.MaxValue : a * b;
    }

    /// <summary>The sum of two non-negative numbers, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long? ParseBytes(string text)
    {
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string number = unit == 1 ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value <= 0) return null;
        double bytes = value * unit;
        return bytes >= long.MaxValue ? long.MaxValue : (long)bytes;
    }
}
