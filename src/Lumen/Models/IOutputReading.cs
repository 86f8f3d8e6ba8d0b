namespace Lumen.Models;

/// <summary>
/// A module whose raw output is not already [N, K] scores and is read as such (an imported graph whose output is
/// [N, 512, 1, 1] gives 512 scores per image).
/// </summary>
public interface IOutputReading
{
    /// <summary>How the output is read, e.g. <c>output [N, 512, 1, 1] read as 512 scores</c>.</summary>
    string OutputReading { get; }
}
