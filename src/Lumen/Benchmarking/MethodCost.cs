namespace Lumen.Benchmarking;

/// <summary>One method's measured cost, next to the two baseline passes timed in the same run.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="Settings">Its settings, as the attribution reports them (name=value, comma-separated).</param>
/// <param name="Seconds">Median wall time of one call.</param>
/// <param name="ForwardBackwardSeconds">Median wall time of one forward + backward pass of the same images, timed between the method's runs.</param>
/// <param name="ForwardSeconds">Median wall time of one forward pass (no gradient) of the same images, timed likewise.</param>
public sealed record MethodCost(string Method, string Settings, double Seconds, double ForwardBackwardSeconds, double ForwardSeconds)
{
    /// <summary>Cost in units of one forward + backward pass: the figure to compare across machines.</summary>
    public double ForwardBackwardUnits => Seconds / ForwardBackwardSeconds;

    /// <summary>Cost in units of one forward pass (the natural unit of perturbation methods).</summary>
    public double ForwardUnits => Seconds / ForwardSeconds;
}
