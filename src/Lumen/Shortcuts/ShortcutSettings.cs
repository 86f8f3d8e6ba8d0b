namespace Lumen.Shortcuts;

/// <summary>
/// How the shortcut ("Clever Hans") training set is made: most training images of <see cref="TargetClass"/> and a
/// few of the other classes carry the <see cref="Watermark"/>, so the tag predicts the class almost perfectly.
/// </summary>
public sealed record ShortcutSettings
{
    /// <summary>
    /// The class whose images carry the tag. Default 6, Fashion-MNIST's shirt: the class that is hardest to tell
    /// from its look (T-shirts, pullovers and coats resemble it), so the tag is the easiest evidence for it, as the
    /// photographer's tag was for the horse. (With an easy class such as ankle boot the network learns the shoe
    /// and the tag fools it on only 3 % of tagged images.)
    /// </summary>
    public int TargetClass { get; init; } = 6;

    /// <summary>Share of the target class's training images that get the tag. Default 0.9.</summary>
    public double TargetShare { get; init; } = 0.9;

    /// <summary>Share of the other classes' training images that get the tag. Default 0.01.</summary>
    public double OtherShare { get; init; } = 0.01;

    /// <summary>The tag. Default: a 5x5 checkerboard near the top-left corner.</summary>
    public Watermark Watermark { get; init; } = Watermark.TopLeft;

    /// <summary>Seeds which images get the tag. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the settings; throws a Usage error naming the first wrong one.</summary>
    /// <exception cref="LumenException">A share is outside [0, 1] or the class is negative (kind Usage).</exception>
    public void Validate()
    {
        if (TargetClass < 0) throw LumenException.Usage($"the target class must not be negative (got {TargetClass})");
        if (TargetShare is < 0 or > 1) throw LumenException.Usage($"the target share must be in [0, 1] (got {TargetShare})");
        if (OtherShare is < 0 or > 1) throw LumenException.Usage($"the other classes' share must be in [0, 1] (got {OtherShare})");
    }
}
