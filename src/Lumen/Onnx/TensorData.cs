using System.Runtime.InteropServices;
using Google.Protobuf;
using Lumen.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Onnx;

/// <summary>
/// Converts ONNX <c>TensorProto</c> values (raw little-endian bytes, typed fields or external data) into TorchSharp
/// tensors and back. Floating-point tensors become float32 (Lumen computes in float32), integers int64, booleans bool.
/// </summary>
internal static class TensorData
{
    /// <summary>The largest tensor read, in elements.</summary>
    public const long MaxElements = 1L << 31;

    /// <summary>
    /// Reads <paramref name="proto"/>; external data is looked up next to the model in <paramref name="modelFolder"/>.
    /// The bytes the tensor takes beyond those the file holds for it (int8 stored, int64 computed; float16 stored,
    /// float32 computed) are reserved in <paramref name="budget"/> before it is allocated.
    /// </summary>
    public static Tensor ToTensor(TensorProto proto, string modelFolder, ImportBudget? budget = null)
    {
        string name = proto.Name;
        long[] dims = proto.Dims.ToArray();
        if (dims.Any(d => d < 0)) throw LumenException.Model($"ONNX tensor '{name}' has a negative dimension [{string.Join(", ", dims)}]");
        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
            if (count > MaxElements) throw LumenException.Model($"ONNX tensor '{name}' has more than {MaxElements} elements; Lumen refuses tensors this large");
        }
        var type = (TensorProto.Types.DataType)proto.DataType;
        int elementSize = ElementSize(type, name);
        int widening = ComputedSize(type) - HeldSize(proto, type, elementSize);
        if (widening > 0) budget?.Reserve(count, widening, $"widening ONNX tensor '{name}' [{string.Join(", ", dims)}] of {type}");
        byte[]? bytes = null;
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            bytes = ExternalData.Read(proto, modelFolder, count * elementSize);
        else if (proto.HasRawData)
            bytes = proto.RawData.ToByteArray();
        if (bytes is not null)
        {
            if (bytes.LongLength != count * elementSize)
                throw LumenException.Model($"ONNX tensor '{name}' holds {bytes.LongLength} bytes, but its shape [{string.Join(", ", dims)}] of {type} needs {count * elementSize}");
            return FromBytes(bytes, type, dims);
        }
        return FromTypedFields(proto, type, dims, count);
    }

    /// <summary>The bytes per element of the tensor Lumen makes: float32 for floating point, int64 for integers, one byte for bool.</summary>
    internal static int ComputedSize(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Float16 => 4,
        TensorProto.Types.DataType.Bool => 1,
        _ => 8,
    };

    /// <summary>The bytes per element the file holds: the stored size for raw and external data, the typed field's width otherwise.</summary>
    private static int HeldSize(TensorProto proto, TensorProto.Types.DataType type, int elementSize)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.HasRawData) return elementSize;
        return type switch
        {
            TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint32 or TensorProto.Types.DataType.Uint64 => 8,
            _ => 4,
        };
    }

    private static int ElementSize(TensorProto.Types.DataType type, string name) => type switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Uint32 => 4,
        TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint64 => 8,
        TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Uint16 => 2,
        TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Bool => 1,
        _ => throw LumenException.Model($"ONNX tensor '{name}' has data type {type}, which Lumen does not read (supported: float, double, float16, integers, bool)"),
    };

    private static Tensor FromBytes(byte[] bytes, TensorProto.Types.DataType type, long[] dims)
    {
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                return torch.tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), dims);
            case TensorProto.Types.DataType.Double:
                return torch.tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray().Select(v => (float)v).ToArray(), dims);
            case TensorProto.Types.DataType.Float16:
                return torch.tensor(MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(v => (float)v).ToArray(), dims);
            case TensorProto.Types.DataType.Int64:
                return torch.tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), dims);
            case TensorProto.Types.DataType.Int32:
                return Longs(MemoryMarshal.Cast<byte, int>(bytes).ToArray().Select(v => (long)v), dims);
            case TensorProto.Types.DataType.Uint32:
                return Longs(MemoryMarshal.Cast<byte, uint>(bytes).ToArray().Select(v => (long)v), dims);
            case TensorProto.Types.DataType.Uint64:
                return Longs(MemoryMarshal.Cast<byte, ulong>(bytes).ToArray().Select(v => unchecked((long)v)), dims);
            case TensorProto.Types.DataType.Int16:
                return Longs(MemoryMarshal.Cast<byte, short>(bytes).ToArray().Select(v => (long)v), dims);
            case TensorProto.Types.DataType.Uint16:
                return Longs(MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(v => (long)v), dims);
            case TensorProto.Types.DataType.Int8:
                return Longs(bytes.Select(v => (long)(sbyte)v), dims);
            case TensorProto.Types.DataType.Uint8:
                return Longs(bytes.Select(v => (long)v), dims);
            default: // Bool
                return torch.tensor(bytes.Select(v => v != 0).ToArray(), dims);
        }
    }

    private static Tensor FromTypedFields(TensorProto proto, TensorProto.Types.DataType type, long[] dims, long count)
    {
        string name = proto.Name;
        long available = type switch
        {
            TensorProto.Types.DataType.Float => proto.FloatData.Count,
            TensorProto.Types.DataType.Double => proto.DoubleData.Count,
            TensorProto.Types.DataType.Int64 => proto.Int64Data.Count,
            TensorProto.Types.DataType.Uint32 or TensorProto.Types.DataType.Uint64 => proto.Uint64Data.Count,
            _ => proto.Int32Data.Count,
        };
        if (available != count)
            throw LumenException.Model($"ONNX tensor '{name}' holds {available} values, but its shape [{string.Join(", ", dims)}] needs {count}");
        return type switch
        {
            TensorProto.Types.DataType.Float => torch.tensor(proto.FloatData.ToArray(), dims),
            TensorProto.Types.DataType.Double => torch.tensor(proto.DoubleData.Select(v => (float)v).ToArray(), dims),
            TensorProto.Types.DataType.Float16 => torch.tensor(proto.Int32Data.Select(v => (float)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(), dims),
            TensorProto.Types.DataType.Int64 => torch.tensor(proto.Int64Data.ToArray(), dims),
            TensorProto.Types.DataType.Uint32 or TensorProto.Types.DataType.Uint64 => Longs(proto.Uint64Data.Select(v => unchecked((long)v)), dims),
            TensorProto.Types.DataType.Bool => torch.tensor(proto.Int32Data.Select(v => v != 0).ToArray(), dims),
            _ => Longs(proto.Int32Data.Select(v => (long)v), dims),
        };
    }

    private static Tensor Longs(IEnumerable<long> values, long[] dims) => torch.tensor(values.ToArray(), dims);

    /// <summary>A <c>TensorProto</c> named <paramref name="name"/> holding <paramref name="tensor"/> as raw data (float32 or int64).</summary>
    public static TensorProto FromTensor(string name, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        Tensor contiguous = tensor.detach().contiguous().cpu();
        var proto = new TensorProto { Name = name };
        proto.Dims.AddRange(contiguous.shape);
        switch (contiguous.dtype)
        {
            case ScalarType.Float32:
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(contiguous.data<float>().ToArray().AsSpan()));
                break;
            case ScalarType.Int64:
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(contiguous.data<long>().ToArray().AsSpan()));
                break;
            default:
                throw LumenException.Model($"cannot export tensor '{name}' of type {contiguous.dtype}; only float32 and int64 are written");
        }
        return proto;
    }
}
