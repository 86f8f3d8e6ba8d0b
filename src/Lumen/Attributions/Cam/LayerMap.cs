using static TorchSharp.torch;

namespace Lumen.Attributions.Cam;

/// <summary>One layer's map for a batch, before the ReLU and before combining layers.</summary>
/// <param name="Map">The map [N, 1, h, w] at the layer's resolution.</param>
/// <param name="Targets">The class explained for each image (-1 for a function target).</param>
/// <param name="Scores">The explained score of each image in the unmodified forward pass.</param>
public sealed record LayerMap(Tensor Map, long[] Targets, float[] Scores);
