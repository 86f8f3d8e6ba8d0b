using System.Security.Cryptography;
using Lumen.Data.Downloads;

namespace Lumen.Models.Weights;

/// <summary>
/// TorchVision's published ImageNet weights by name: <c>torchvision:ARCHITECTURE.NAME</c> (e.g.
/// <c>torchvision:resnet50.IMAGENET1K_V2</c>), or <c>imagenet</c> for the architecture's TorchVision <c>DEFAULT</c>.
/// A weight file is downloaded once from <see cref="BaseAddress"/> into <see cref="CacheFolder"/>, checked against the
/// SHA-256 prefix its published name carries, and checked again each time it is used from the cache.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>The shorthand for the architecture's default TorchVision weights.</summary>
    public const string DefaultAlias = "imagenet";

    /// <summary>The environment variable naming a mirror of TorchVision's weight files (a URL of a folder).</summary>
    public const string MirrorVariable = "LUMEN_WEIGHTS_URL";

    /// <summary>Where TorchVision publishes its weight files.</summary>
    public static Uri PublishedAddress { get; } = new("https://download.pytorch.org/models/");

    /// <summary>Every published weight for Lumen's architectures, from TorchVision 0.14's enums (build/torchvision_weights.py).</summary>
    public static IReadOnlyList<PretrainedWeight> All => TorchVisionWeightTable.All;

    /// <summary>The folder files are fetched from: <c>$LUMEN_WEIGHTS_URL</c> when set, else <see cref="PublishedAddress"/>.</summary>
    /// <exception cref="LumenException">The variable is not an absolute http(s) URL (kind Usage).</exception>
    public static Uri BaseAddress
    {
        get
        {
            string? mirror = Environment.GetEnvironmentVariable(MirrorVariable);
            if (string.IsNullOrWhiteSpace(mirror)) return PublishedAddress;
            if (!Uri.TryCreate(mirror.Trim().TrimEnd('/') + "/", UriKind.Absolute, out Uri? address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
                throw LumenException.Usage($"{MirrorVariable}={mirror}: expected an http or https URL of a folder holding TorchVision's weight files");
            return address;
        }
    }

    /// <summary>The cached files: <c>weights</c> in <see cref="LumenCache.Root"/>.</summary>
    public static string CacheFolder => LumenCache.WeightsFolder;

    /// <summary>The weights published for <paramref name="architecture"/> (none for Lumen's own small models).</summary>
    public static IReadOnlyList<PretrainedWeight> For(string architecture) =>
        [.. All.Where(w => string.Equals(w.Architecture, architecture, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Whether <paramref name="weights"/> names published weights rather than a file.</summary>
    public static bool IsName(string? weights) =>
        weights is not null && (weights.Trim().Equals(DefaultAlias, StringComparison.OrdinalIgnoreCase)
            || weights.TrimStart().StartsWith(PretrainedWeight.Scheme, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The weight <paramref name="name"/> (<c>imagenet</c>, <c>torchvision:ARCH.NAME</c> or <c>torchvision:ARCH.DEFAULT</c>)
    /// for <paramref name="architecture"/>.
    /// </summary>
    /// <exception cref="LumenException">Unknown name, another architecture's weight, or no published weights (kind Usage);
    /// the message lists the available names.</exception>
    public static PretrainedWeight Resolve(string architecture, string name)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(name);
        var available = For(architecture);
        if (available.Count == 0)
            throw LumenException.Usage($"--weights {name}: TorchVision publishes no weights for {architecture}; architectures with published weights: {string.Join(", ", All.Select(w => w.Architecture).Distinct())}");
        string text = name.Trim();
        if (text.Equals(DefaultAlias, StringComparison.OrdinalIgnoreCase)) return available.Single(w => w.IsDefault);
        string rest = text.StartsWith(PretrainedWeight.Scheme, StringComparison.OrdinalIgnoreCase) ? text[PretrainedWeight.Scheme.Length..] : "";
        int dot = rest.LastIndexOf('.');
        if (dot > 0 && rest[..dot].Equals(architecture, StringComparison.OrdinalIgnoreCase))
        {
            string weight = rest[(dot + 1)..];
            var found = weight.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase)
                ? available.Single(w => w.IsDefault)
                : available.FirstOrDefault(w => w.Name.Equals(weight, StringComparison.OrdinalIgnoreCase));
            if (found is not null) return found;
        }

        throw LumenException.Usage($"--weights {text}: not a published weight for {architecture}; available: {DefaultAlias}, {string.Join(", ", available.Select(w => w.FullName))}");
    }

    /// <summary>
    /// The local path of <paramref name="weight"/>: the cached file when its SHA-256 still starts with the published
    /// prefix; otherwise (missing, or changed since: it is deleted) downloaded from <see cref="BaseAddress"/>, with
    /// <paramref name="progress"/>, resumed after broken connections and renamed into the cache only once verified.
    /// </summary>
    /// <exception cref="LumenException">The file could not be downloaded or its hash does not match (kind InputData);
    /// the one-line message names the URL and the path where a file downloaded by hand is picked up.</exception>
    public static string Locate(PretrainedWeight weight, IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default) =>
        Locate(weight, CacheFolder, BaseAddress, new FileDownloader(), progress, cancellation);

    /// <summary><see cref="Locate(PretrainedWeight, IProgress{DownloadProgress}?, CancellationToken)"/> with every place given.</summary>
    internal static string Locate(PretrainedWeight weight, string cacheFolder, Uri baseAddress, FileDownloader downloader,
        IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var file = new RemoteFile(weight.FileName, [new Uri(baseAddress, weight.FileName)], HashAlgorithmName.SHA256, weight.Sha256Prefix) { HashIsPrefix = true };
        string path = Path.Combine(cacheFolder, weight.FileName);
        if (File.Exists(path))
        {
            if (file.Matches(FileDownloader.Hash(path, HashAlgorithmName.SHA256))) return path;
            File.Delete(path); // changed or damaged since it was verified: fetched again
        }

        try
        {
            return downloader.Download(file, cacheFolder, progress, cancellation);
        }
        catch (LumenException e)
        {
            throw LumenException.InputData(
                $"{weight.FullName}: {e.Message}; download {file.Addresses[0]} by hand and put it at {path}, or set {MirrorVariable} to a mirror", e);
        }
    }
}
