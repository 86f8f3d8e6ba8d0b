using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation.Incremental;

/// <summary>
/// One operation of an <see cref="IncrementalPlan"/>: a node of the model's data-flow graph that reads the outputs of
/// earlier nodes (<see cref="Inputs"/>, indices into the plan) and can run on whole feature maps [N, C, H, W].
/// Local nodes (<see cref="SlidingWindowNode"/>, <see cref="PointwiseNode"/>, <see cref="SumNode"/>) can also run on a
/// region of the map, which is what incremental evaluation does; <see cref="TailNode"/>s only run on whole maps.
/// </summary>
public abstract class PlanNode
{
    /// <summary>Creates a node.</summary>
    /// <param name="name">The module path the node comes from, e.g. <c>layer1.0.conv1</c>.</param>
    /// <param name="inputs">The indices of the nodes it reads.</param>
    protected PlanNode(string name, IReadOnlyList<int> inputs)
    {
        Name = name;
        Inputs = inputs;
    }

    /// <summary>The module path the node comes from (empty for the input).</summary>
    public string Name { get; }

    /// <summary>The indices of the nodes whose outputs this node reads, in argument order.</summary>
    public IReadOnlyList<int> Inputs { get; }

    /// <summary>Whether every output element depends on a bounded neighbourhood of the input (false for the tail).</summary>
    public virtual bool IsLocal => true;

    /// <summary>Runs the node on whole maps [N, C, H, W].</summary>
    public abstract Tensor Full(IReadOnlyList<Tensor> inputs);

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} {Name}";
}

/// <summary>The model's input image (node 0 of every plan).</summary>
public sealed class InputNode : PlanNode
{
    /// <summary>Creates the input node.</summary>
    public InputNode() : base("", Array.Empty<int>())
    {
    }

    /// <inheritdoc />
    public override Tensor Full(IReadOnlyList<Tensor> inputs) => inputs[0];
}

/// <summary>
/// A convolution or pooling: each output element reads a window of the input. On a region it runs without padding
/// on a crop of the input that was padded with <see cref="PadValue"/>.
/// </summary>
public abstract class SlidingWindowNode : PlanNode
{
    /// <summary>Creates the node.</summary>
    protected SlidingWindowNode(string name, int input, AxisWindow rows, AxisWindow columns) : base(name, new[] { input })
    {
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The geometry along the rows (height).</summary>
    public AxisWindow Rows { get; }

    /// <summary>The geometry along the columns (width).</summary>
    public AxisWindow Columns { get; }

    /// <summary>The value the input is padded with: 0, or −∞ for max-pooling.</summary>
    public virtual double PadValue => 0;

    /// <summary>Whether <see cref="Crop"/> needs the mask of real (non-padding) input elements (average pooling without count_include_pad).</summary>
    public virtual bool NeedsValidMask => false;

    /// <summary>Multiply-accumulates per output element for one image (0 for pooling).</summary>
    public virtual long MultiplyAccumulatesPerOutput => 0;

    /// <summary>Whether the padding differs between the two ends of an axis (an explicit padding layer folded in).</summary>
    public bool IsAsymmetric => !Rows.IsSymmetric || !Columns.IsSymmetric;

    /// <summary>Runs the node on whole maps by padding them explicitly (with <see cref="PadValue"/>) and running <see cref="Crop"/>.</summary>
    protected Tensor PaddedFull(Tensor input)
    {
        long[] pad = { Columns.Padding, Columns.PaddingAfter, Rows.Padding, Rows.PaddingAfter };
        Tensor padded = nn.functional.pad(input, pad, PaddingModes.Constant, PadValue);
        if (!NeedsValidMask) return Crop(padded, null);
        using var ones = torch.ones(input.shape[0], 1, input.shape[2], input.shape[3], dtype: input.dtype, device: input.device);
        return Crop(padded, nn.functional.pad(ones, pad, PaddingModes.Constant, 0));
    }

    /// <summary>
    /// Runs the node without padding on <paramref name="crop"/> [N, C, h, w], a region of the padded input;
    /// <paramref name="validMask"/> [N, 1, h, w] marks real input elements (only when <see cref="NeedsValidMask"/>).
    /// </summary>
    public abstract Tensor Crop(Tensor crop, Tensor? validMask);
}

/// <summary>A 2-D convolution (any kernel, stride, padding, dilation and groups; with or without bias).</summary>
public sealed class ConvolutionNode : SlidingWindowNode
{
    private readonly Conv2d module;

    /// <summary>Creates the node of <paramref name="module"/> (zero padding of <paramref name="rows"/> and <paramref name="columns"/>).</summary>
    public ConvolutionNode(string name, int input, Conv2d module, AxisWindow rows, AxisWindow columns) : base(name, input, rows, columns)
    {
        this.module = module;
    }

    /// <inheritdoc />
    public override long MultiplyAccumulatesPerOutput =>
        module.out_channels * (module.in_channels / module.groups) * Rows.Kernel * Columns.Kernel;

    /// <inheritdoc />
    public override Tensor Full(IReadOnlyList<Tensor> inputs) => IsAsymmetric ? PaddedFull(inputs[0]) : Apply(inputs[0], Rows.Padding, Columns.Padding);

    /// <inheritdoc />
    public override Tensor Crop(Tensor crop, Tensor? validMask) => Apply(crop, 0, 0);

    private Tensor Apply(Tensor x, int padRows, int padColumns) => nn.functional.conv2d(x, module.weight!, module.bias,
        new long[] { Rows.Stride, Columns.Stride }, new long[] { padRows, padColumns },
        new long[] { Rows.Dilation, Columns.Dilation }, module.groups);
}

/// <summary>Max- or average-pooling (floor mode).</summary>
public sealed class PoolingNode : SlidingWindowNode
{
    private readonly bool max;
    private readonly bool countIncludePad;

    /// <summary>Creates a pooling node.</summary>
    /// <param name="name">The module path.</param>
    /// <param name="input">The input node.</param>
    /// <param name="max">True for max-pooling, false for average-pooling.</param>
    /// <param name="countIncludePad">For average-pooling: whether padding counts in the divisor.</param>
    /// <param name="rows">The geometry along the rows.</param>
    /// <param name="columns">The geometry along the columns.</param>
    public PoolingNode(string name, int input, bool max, bool countIncludePad, AxisWindow rows, AxisWindow columns) : base(name, input, rows, columns)
    {
        this.max = max;
        this.countIncludePad = countIncludePad;
    }

    /// <inheritdoc />
    public override double PadValue => max ? double.NegativeInfinity : 0;

    /// <inheritdoc />
    public override bool NeedsValidMask => !max && !countIncludePad && (Rows.Padding > 0 || Columns.Padding > 0 || Rows.PaddingAfter > 0 || Columns.PaddingAfter > 0);

    /// <inheritdoc />
    public override Tensor Full(IReadOnlyList<Tensor> inputs) => IsAsymmetric ? PaddedFull(inputs[0]) : max
        ? nn.functional.max_pool2d(inputs[0], Kernel, Strides, new long[] { Rows.Padding, Columns.Padding }, Dilations, false)
        : nn.functional.avg_pool2d(inputs[0], Kernel, Strides, new long[] { Rows.Padding, Columns.Padding }, false, countIncludePad, null);

    /// <inheritdoc />
    public override Tensor Crop(Tensor crop, Tensor? validMask)
    {
        if (max) return nn.functional.max_pool2d(crop, Kernel, Strides, new long[] { 0, 0 }, Dilations, false);
        Tensor mean = nn.functional.avg_pool2d(crop, Kernel, Strides, new long[] { 0, 0 }, false, true, null);
        if (!NeedsValidMask) return mean;
        if (validMask is null) throw new ArgumentNullException(nameof(validMask));
        return mean / nn.functional.avg_pool2d(validMask, Kernel, Strides, new long[] { 0, 0 }, false, true, null);
    }

    private long[] Kernel => new long[] { Rows.Kernel, Columns.Kernel };

    private long[] Strides => new long[] { Rows.Stride, Columns.Stride };

    private long[] Dilations => new long[] { Rows.Dilation, Columns.Dilation };
}

/// <summary>
/// An element-wise operation: an activation, dropout in evaluation mode (the identity), or a BatchNorm in evaluation
/// mode (a per-channel affine map). On a region it runs on rows [elements, C] (channels last).
/// </summary>
public sealed class PointwiseNode : PlanNode
{
    private readonly Func<Tensor, Tensor>? function;
    private readonly BatchNorm2d? batchNorm;

    /// <summary>An element-wise function, the same on any layout.</summary>
    public PointwiseNode(string name, int input, Func<Tensor, Tensor> function) : base(name, new[] { input })
    {
        this.function = function;
    }

    /// <summary>A BatchNorm in evaluation mode: (x − mean) / √(var + ε) · weight + bias per channel.</summary>
    public PointwiseNode(string name, int input, BatchNorm2d batchNorm) : base(name, new[] { input })
    {
        this.batchNorm = batchNorm;
    }

    /// <inheritdoc />
    public override Tensor Full(IReadOnlyList<Tensor> inputs)
    {
        if (batchNorm is null) return function!(inputs[0]);
        var (scale, shift) = Affine();
        return torch.addcmul(shift.view(1, -1, 1, 1), inputs[0], scale.view(1, -1, 1, 1), 1);
    }

    /// <summary>Runs the operation on channels-last rows [elements, C].</summary>
    public Tensor Rows(Tensor rows)
    {
        if (batchNorm is null) return function!(rows);
        var (scale, shift) = Affine();
        return torch.addcmul(shift, rows, scale, 1);
    }

    private (Tensor Scale, Tensor Shift) Affine()
    {
        var bn = batchNorm!;
        Tensor scale = (bn.running_var! + bn.eps).rsqrt();
        if (bn.weight is not null) scale = scale * bn.weight;
        Tensor shift = -bn.running_mean! * scale;
        if (bn.bias is not null) shift = shift + bn.bias;
        return (scale, shift);
    }
}

/// <summary>The sum of two maps of equal shape (a residual addition).</summary>
public sealed class SumNode : PlanNode
{
    /// <summary>Creates the sum of nodes <paramref name="first"/> and <paramref name="second"/>.</summary>
    public SumNode(string name, int first, int second) : base(name, new[] { first, second })
    {
    }

    /// <inheritdoc />
    public override Tensor Full(IReadOnlyList<Tensor> inputs) => inputs[0] + inputs[1];
}

/// <summary>
/// A module that needs the whole map (adaptive pooling, flatten, linear, ...) or anything after one: it runs unchanged
/// on whole batches.
/// </summary>
public sealed class TailNode : PlanNode
{
    private readonly Func<Tensor, Tensor> function;

    /// <summary>Creates a tail node that applies <paramref name="function"/>.</summary>
    /// <param name="name">The module path (or a description for a function such as flatten).</param>
    /// <param name="input">The input node.</param>
    /// <param name="function">What the node computes, e.g. the module's <c>call</c>.</param>
    /// <param name="multiplyAccumulates">Multiply-accumulates per image (a linear layer's weight count), if known.</param>
    public TailNode(string name, int input, Func<Tensor, Tensor> function, long multiplyAccumulates = 0) : base(name, new[] { input })
    {
        this.function = function;
        MultiplyAccumulates = multiplyAccumulates;
    }

    /// <inheritdoc />
    public override bool IsLocal => false;

    /// <summary>Multiply-accumulates per image, where known (linear layers), else 0.</summary>
    public long MultiplyAccumulates { get; }

    /// <inheritdoc />
    public override Tensor Full(IReadOnlyList<Tensor> inputs) => function(inputs[0]);
}
