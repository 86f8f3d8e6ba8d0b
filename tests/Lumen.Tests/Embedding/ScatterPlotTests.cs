using Lumen.Embedding;
using Xunit;

namespace Lumen.Tests.Embedding;

public class ScatterPlotTests
{
    [Fact]
    public void ClassesGetTheirPaletteColoursAndALegend()
    {
        var y = new double[] { 0, 0, 1, 1, 2, 0 };
        var image = ScatterPlot.Render(y, [0L, 1L, 2L], ["zero", "one", "two"], "test");
        var wanted = ScatterPlot.ColorOf(0);
        bool found = false;
        for (int x = 0; x < image.Width && !found; x++)
        {
            for (int row = 0; row < image.Height && !found; row++)
            {
                var (r, g, b) = image.GetPixel(x, row);
                found = r == wanted.Red && g == wanted.Green && b == wanted.Blue;
            }
        }

        Assert.True(found, "the legend dot of class 0 has the class colour");
        Assert.True(image.Width > image.Height, "room for the legend");
        var plain = ScatterPlot.Render(y, null, null, "no labels");
        Assert.True(plain.Width < image.Width);
    }
}
