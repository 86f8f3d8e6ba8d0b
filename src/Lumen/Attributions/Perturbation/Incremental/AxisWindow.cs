namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>
/// A sliding-window operation (convolution or pooling) along one axis: kernel k, stride s, padding p and dilation d.
/// It maps input rows to output rows, and gives the region arithmetic of incremental evaluation: which output rows
/// a change of input rows reaches, and which input rows an output range reads.
/// </summary>
/// <param name="Kernel">The kernel size k.</param>
/// <param name="Stride">The stride s.</param>
/// <param name="Padding">The padding p before the first element (and after the last, unless <see cref="PaddingAfter"/> says otherwise).</param>
/// <param name="Dilation">The dilation d.</param>
public readonly record struct AxisWindow(int Kernel, int Stride, int Padding, int Dilation)
{
    private readonly int? after;

    /// <summary>The padding after the last element; <see cref="Padding"/> unless set (asymmetric padding).</summary>
    public int PaddingAfter
    {
        get => after ?? Padding;
        init => after = value;
    }

    /// <summary>Whether both ends are padded alike.</summary>
    public bool IsSymmetric => PaddingAfter == Padding;

    /// <summary>This geometry with <paramref name="before"/> and <paramref name="afterwards"/> more padding (an explicit padding layer folded in).</summary>
    public AxisWindow PaddedBy(int before, int afterwards) => this with { Padding = Padding + before, PaddingAfter = PaddingAfter + afterwards };

    /// <summary>The extent of one dilated kernel, d(k − 1) + 1.</summary>
    public int Span => Dilation * (Kernel - 1) + 1;

    /// <summary>The output length for an input of <paramref name="input"/> elements (floor mode, as PyTorch without ceil_mode).</summary>
    public int OutputSize(int input) => FloorDiv(input + Padding + PaddingAfter - Span, Stride) + 1;

    /// <summary>
    /// The output rows that change when input rows <paramref name="input"/> change: from ⌈(a + p − d(k − 1)) / s⌉ to
    /// ⌊(b − 1 + p) / s⌋, clipped to the <paramref name="outputSize"/> output rows.
    /// </summary>
    public Interval Changed(Interval input, int outputSize)
    {
        if (input.IsEmpty) return Interval.Empty;
        int first = CeilDiv(input.Start + Padding - Dilation * (Kernel - 1), Stride);
        int last = FloorDiv(input.End - 1 + Padding, Stride);
        return new Interval(first, last + 1).Clip(outputSize);
    }

    /// <summary>
    /// The input rows that output rows [oa, ob) read: [oa·s − p, (ob − 1)·s − p + d(k − 1) + 1). Rows outside the
    /// input are padding.
    /// </summary>
    public Interval Needed(Interval output) =>
        new(output.Start * Stride - Padding, (output.End - 1) * Stride - Padding + Span);

    /// <summary>⌊x / y⌋ for a positive divisor.</summary>
    public static int FloorDiv(int x, int y) => x >= 0 ? x / y : -((-x + y - 1) / y);

    /// <summary>⌈x / y⌉ for a positive divisor.</summary>
    public static int CeilDiv(int x, int y) => -FloorDiv(-x, y);
}
