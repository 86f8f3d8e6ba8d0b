namespace Lumen.Imaging;

/// <summary>
/// Anchor colours of matplotlib's colormaps. Viridis and inferno (by Stéfan van der Walt and Nathaniel Smith,
/// released under CC0) are given by every 16th entry of matplotlib's 256-entry tables plus the last one,
/// and interpolated linearly in between; jet and bwr are matplotlib's piecewise-linear segment definitions.
/// </summary>
internal static class ColormapData
{
    /// <summary>Positions in [0, 1] of the listed anchors: entries 0, 16, ..., 240, 255 of 256.</summary>
    public static readonly double[] ListedPositions =
        [.. Enumerable.Range(0, 16).Select(i => i * 16 / 255.0), 1.0];

    public static readonly double[,] Viridis =
    {
        { 0.267004, 0.004874, 0.329415 },
        { 0.282327, 0.094955, 0.417331 },
        { 0.278826, 0.175490, 0.483397 },
        { 0.258965, 0.251537, 0.524736 },
        { 0.229739, 0.322361, 0.545706 },
        { 0.199430, 0.387607, 0.554642 },
        { 0.172719, 0.448791, 0.557885 },
        { 0.149039, 0.508051, 0.557250 },
        { 0.127568, 0.566949, 0.550556 },
        { 0.120638, 0.625828, 0.533488 },
        { 0.157851, 0.683765, 0.501686 },
        { 0.246070, 0.738910, 0.452024 },
        { 0.369214, 0.788888, 0.382914 },
        { 0.515992, 0.831158, 0.294279 },
        { 0.678489, 0.863742, 0.189503 },
        { 0.845561, 0.887322, 0.099702 },
        { 0.993248, 0.906157, 0.143936 },
    };

    public static readonly double[,] Inferno =
    {
        { 0.001462, 0.000466, 0.013866 },
        { 0.042253, 0.028139, 0.141141 },
        { 0.129285, 0.047293, 0.290788 },
        { 0.238273, 0.036621, 0.396353 },
        { 0.341500, 0.062325, 0.429425 },
        { 0.441207, 0.099338, 0.431594 },
        { 0.540920, 0.134729, 0.415123 },
        { 0.640135, 0.171438, 0.381065 },
        { 0.735683, 0.215906, 0.330245 },
        { 0.822386, 0.275197, 0.266085 },
        { 0.894305, 0.353399, 0.193584 },
        { 0.946965, 0.449191, 0.115272 },
        { 0.978422, 0.557937, 0.034931 },
        { 0.987874, 0.675267, 0.065257 },
        { 0.974638, 0.797692, 0.206332 },
        { 0.947594, 0.917399, 0.410665 },
        { 0.988362, 0.998364, 0.644924 },
    };

    /// <summary>matplotlib's jet: (position, value) breakpoints per channel.</summary>
    public static readonly (double X, double Y)[] JetRed = [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)];

    /// <summary>Green channel of jet.</summary>
    public static readonly (double X, double Y)[] JetGreen = [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)];

    /// <summary>Blue channel of jet.</summary>
    public static readonly (double X, double Y)[] JetBlue = [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)];

    /// <summary>Interpolates piecewise-linear breakpoints at <paramref name="t"/>.</summary>
    public static double Segment((double X, double Y)[] points, double t)
    {
        for (var i = 1; i < points.Length; i++)
        {
            if (t <= points[i].X)
            {
                var (x0, y0) = points[i - 1];
                var (x1, y1) = points[i];
                return x1 == x0 ? y1 : y0 + (y1 - y0) * (t - x0) / (x1 - x0);
            }
        }

        return points[^1].Y;
    }

    /// <summary>Interpolates a listed table (anchors at <see cref="ListedPositions"/>) at <paramref name="t"/>.</summary>
    public static (double R, double G, double B) Listed(double[,] table, double t)
    {
        var positions = ListedPositions;
        var i = 1;
        while (i < positions.Length - 1 && t > positions[i])
        {
            i++;
        }

        var f = Math.Clamp((t - positions[i - 1]) / (positions[i] - positions[i - 1]), 0, 1);
        double Lerp(int c) => table[i - 1, c] + (table[i, c] - table[i - 1, c]) * f;
        return (Lerp(0), Lerp(1), Lerp(2));
    }
}
