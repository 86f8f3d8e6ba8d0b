using Lumen.Embedding;

namespace Lumen.Cli.Commands;

/// <summary>What <c>lumen embed</c> was asked to do, after parsing.</summary>
/// <param name="Method">"pca" or "tsne".</param>
/// <param name="Perplexity">t-SNE perplexity.</param>
/// <param name="Engine">t-SNE repulsion engine.</param>
/// <param name="Seed">Seed of the neighbour search and initialisation.</param>
/// <param name="PcaDimensions">Principal components kept before t-SNE (0: none).</param>
/// <param name="Threads">Threads (0: all cores).</param>
/// <param name="Output">Output folder.</param>
/// <param name="Thumbnails">Also draw embedding-thumbnails.png (dataset input only).</param>
public sealed record EmbedRequest(string Method, double Perplexity, TsneEngine Engine, int Seed, int PcaDimensions, int Threads, string Output, bool Thumbnails);
