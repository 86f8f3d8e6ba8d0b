using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>
/// How CAM methods read a transformer's token layer [N, T, D] as a map [N, D, h, w]: the leading special tokens
/// (a class token, or a class and a distillation token) are dropped and the patch tokens, in row-major order, fill an
/// h x w grid — pytorch-grad-cam's documented <c>reshape_transform</c> for vision transformers. Gradients are read the
/// same way.
/// </summary>
/// <param name="Skip">The special tokens before the patches (0, 1 or 2).</param>
/// <param name="Height">Rows of the patch grid.</param>
/// <param name="Width">Columns of the patch grid.</param>
public sealed record TokenGrid(long Skip, long Height, long Width)
{
    /// <summary>The special-token counts tried, in order: a class token, none, a class and a distillation token.</summary>
    private static readonly long[] SkipCandidates = { 1, 0, 2 };

    /// <summary>
    /// The grid of a token layer with <paramref name="tokens"/> tokens: the first skip of 1, 0, 2 that leaves a square
    /// number of patches (the three cannot both fit for grids larger than 1x1); null when none does.
    /// </summary>
    public static TokenGrid? Square(long tokens)
    {
        foreach (long skip in SkipCandidates)
        {
            long patches = tokens - skip;
            if (patches < 1) continue;
            long side = (long)Math.Round(Math.Sqrt(patches));
            if (side * side == patches) return new TokenGrid(skip, side, side);
        }
        return null;
    }

    /// <summary>
    /// The grid of <paramref name="output"/> [N, T, D]; a usage error naming the shape when T minus 0, 1 or 2 special
    /// tokens is not a square number of patches.
    /// </summary>
    public static TokenGrid Of(Tensor output, string layer) =>
        Square(output.shape[1]) ?? throw LumenException.Usage(
            $"layer '{layer}' outputs tokens [N, {string.Join(", ", output.shape.Skip(1))}], but {output.shape[1]} tokens are not a square grid of patches after 0, 1 or 2 class tokens; choose a layer of the transformer's patch tokens");

    /// <summary>The patch tokens of <paramref name="tokens"/> [N, T, D] as a map [N, D, h, w] (a view).</summary>
    public Tensor ToMap(Tensor tokens) =>
        tokens.narrow(1, Skip, Height * Width).reshape(tokens.shape[0], Height, Width, tokens.shape[2]).permute(0, 3, 1, 2);

    /// <summary>
    /// The tokens of <paramref name="like"/> [N, T, D] with the patch tokens replaced by <paramref name="map"/>
    /// [N, D, h, w] (the special tokens are kept): the inverse of <see cref="ToMap"/>.
    /// </summary>
    public Tensor ToTokens(Tensor map, Tensor like)
    {
        Tensor patches = map.permute(0, 2, 3, 1).reshape(map.shape[0], Height * Width, map.shape[1]);
        if (Skip == 0) return patches;
        Tensor special = like.narrow(1, 0, Skip);
        if (special.shape[0] != patches.shape[0]) special = special.expand(patches.shape[0], -1, -1);
        return cat(new[] { special, patches }, 1);
    }
}
