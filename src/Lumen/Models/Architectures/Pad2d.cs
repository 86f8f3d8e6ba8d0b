using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Models.Architectures;

/// <summary>
/// Constant padding of the last two axes of [N, C, H, W] as a layer of its own, possibly different on each side: what
/// an asymmetric or <c>auto_pad</c> padding of a convolution or pooling becomes in front of a standard
/// <c>Conv2d</c>, <c>MaxPool2d</c> or <c>AvgPool2d</c> (zeros; −∞ for max-pooling), so explanation methods that work
/// on standard layers see one. Its gradient is the crop of the incoming gradient.
/// </summary>
public sealed class Pad2d : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the padding.</summary>
    /// <param name="top">Rows added above.</param>
    /// <param name="bottom">Rows added below.</param>
    /// <param name="left">Columns added on the left.</param>
    /// <param name="right">Columns added on the right.</param>
    /// <param name="value">The value of the added elements (0, or −∞ in front of max-pooling).</param>
    public Pad2d(long top, long bottom, long left, long right, double value = 0) : base("Pad2d")
    {
        if (top < 0 || bottom < 0 || left < 0 || right < 0)
            throw LumenException.Usage($"padding must not be negative, got top {top}, bottom {bottom}, left {left}, right {right}");
        Top = top;
        Bottom = bottom;
        Left = left;
        Right = right;
        Value = value;
    }

    /// <summary>Rows added above.</summary>
    public long Top { get; }

    /// <summary>Rows added below.</summary>
    public long Bottom { get; }

    /// <summary>Columns added on the left.</summary>
    public long Left { get; }

    /// <summary>Columns added on the right.</summary>
    public long Right { get; }

    /// <summary>The value of the added elements.</summary>
    public double Value { get; }

    /// <summary>Pads <paramref name="input"/> [N, C, H, W].</summary>
    public override Tensor forward(Tensor input) =>
        nn.functional.pad(input, new[] { Left, Right, Top, Bottom }, PaddingModes.Constant, Value);
}
