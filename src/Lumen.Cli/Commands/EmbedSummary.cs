using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumen.Cli.Commands;

/// <summary>The figures of one <c>lumen embed</c> run, written to embedding.json.</summary>
public sealed record EmbedSummary
{
    /// <summary>"pca" or "tsne".</summary>
    [JsonPropertyName("method")] public required string Method { get; init; }

    /// <summary>Where the features came from.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    /// <summary>Number of points.</summary>
    [JsonPropertyName("points")] public required int Points { get; init; }

    /// <summary>Feature dimension as given.</summary>
    [JsonPropertyName("features")] public required int Features { get; init; }

    /// <summary>Dimension t-SNE or the quality figures saw (after the optional PCA reduction).</summary>
    [JsonPropertyName("embedded_features")] public required int EmbeddedFeatures { get; init; }

    /// <summary>t-SNE engine used (after resolving auto).</summary>
    [JsonPropertyName("engine")] public string? Engine { get; init; }

    /// <summary>t-SNE perplexity.</summary>
    [JsonPropertyName("perplexity")] public double? Perplexity { get; init; }

    /// <summary>Seed.</summary>
    [JsonPropertyName("seed")] public required int Seed { get; init; }

    /// <summary>Final KL(P‖Q) (t-SNE only; Z from the engine).</summary>
    [JsonPropertyName("kl_divergence")] public double? KlDivergence { get; init; }

    /// <summary>KL every 50 iterations.</summary>
    [JsonPropertyName("kl_history")] public IReadOnlyList<double[]>? KlHistory { get; init; }

    /// <summary>Trustworthiness, k = 10, on a fixed sample of up to 5,000 points.</summary>
    [JsonPropertyName("trustworthiness")] public required double Trustworthiness { get; init; }

    /// <summary>10-NN class agreement in the embedding, when labels are known.</summary>
    [JsonPropertyName("knn_agreement")] public double? KnnAgreement { get; init; }

    /// <summary>Explained variance ratio of the PCA components (method pca, or the reduction before t-SNE).</summary>
    [JsonPropertyName("explained_variance_ratio")] public double[]? ExplainedVarianceRatio { get; init; }

    /// <summary>Seconds of feature extraction (0 for --features).</summary>
    [JsonPropertyName("extraction_seconds")] public required double ExtractionSeconds { get; init; }

    /// <summary>Seconds of PCA and/or t-SNE.</summary>
    [JsonPropertyName("embedding_seconds")] public required double EmbeddingSeconds { get; init; }

    /// <summary>Files written.</summary>
    [JsonPropertyName("files")] public required IReadOnlyList<string> Files { get; init; }

    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
}
