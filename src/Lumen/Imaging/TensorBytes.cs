using System.Buffers.Binary;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Imaging;

/// <summary>Moves raw bytes between streams and the native storage of CPU tensors without .NET array copies.</summary>
internal static class TensorBytes
{
    /// <summary>Fills a new contiguous CPU tensor from exactly its byte size of <paramref name="stream"/>.</summary>
    /// <exception cref="EndOfStreamException">The stream ends before the tensor is full.</exception>
    public static Tensor Read(Stream stream, long[] shape, ScalarType dtype)
    {
        var tensor = torch.empty(shape, dtype);
        try
        {
            if (tensor.numel() > 0)
            {
                stream.ReadExactly(tensor.bytes);
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Reverses the byte order of every <paramref name="itemSize"/>-byte element in place.</summary>
    public static void ReverseEndianness(Span<byte> data, int itemSize)
    {
        switch (itemSize)
        {
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(data), MemoryMarshal.Cast<byte, short>(data));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(data), MemoryMarshal.Cast<byte, int>(data));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(data), MemoryMarshal.Cast<byte, long>(data));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(itemSize), itemSize, "Element size must be 2, 4 or 8 bytes.");
        }
    }

    /// <summary>Writes the elements of <paramref name="tensor"/> in C order as raw native-endian bytes.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        if (tensor.numel() == 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var cpu = (tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu()).detach();
        var contiguous = cpu.is_contiguous() ? cpu : cpu.contiguous();
        stream.Write(contiguous.bytes);
    }
}
