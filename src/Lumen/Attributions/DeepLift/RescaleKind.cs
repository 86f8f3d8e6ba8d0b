namespace Lumen.Attributions.DeepLift;

/// <summary>How DeepLift's rescale rule treats a layer.</summary>
internal enum RescaleKind
{
    /// <summary>An element-wise non-linearity y = f(x): multiplier (f(x) − f(r)) / (x − r).</summary>
    Elementwise,

    /// <summary>Max pooling: Captum's rule, the output differences routed to the maxima of the input and of the reference.</summary>
    MaxPool,
}
