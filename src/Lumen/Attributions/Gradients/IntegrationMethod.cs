namespace Lumen.Attributions.Gradients;

/// <summary>How Integrated Gradients places its points on the path from the baseline to the input (Captum's names).</summary>
public enum IntegrationMethod
{
    /// <summary>Gauss-Legendre quadrature on [0, 1] (Captum's default, <c>gausslegendre</c>): exact for polynomials of degree 2n - 1.</summary>
    GaussLegendre,

    /// <summary>Left Riemann sum: alphas 0, 1/n, ..., 1 - 1/n, weights 1/n.</summary>
    RiemannLeft,

    /// <summary>Right Riemann sum: alphas 1/n, 2/n, ..., 1, weights 1/n.</summary>
    RiemannRight,

    /// <summary>Midpoint Riemann sum: alphas 1/(2n), ..., 1 - 1/(2n), weights 1/n.</summary>
    RiemannMiddle,

    /// <summary>
    /// Captum's <c>riemann_trapezoid</c>: alphas linspace(0, 1, n), weights 1/n with the two end weights halved, so
    /// the weights add up to 1 - 1/n (not 1) exactly as in Captum.
    /// </summary>
    RiemannTrapezoid,
}
