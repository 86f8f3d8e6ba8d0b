using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Lumen.Data.Downloads;

/// <summary>
/// Downloads a <see cref="RemoteFile"/> into a folder: bytes go to a hidden <c>.NAME.partial</c> file, a connection
/// that breaks off is resumed where it stopped (an HTTP range request) up to <see cref="Attempts"/> times, the
/// whole file is checked against its hash, and only then renamed to its name. After a failure (no address served
/// the file, wrong hash, cancellation) nothing is left in the folder.
/// </summary>
public sealed class FileDownloader
{
    private const int BufferSize = 81920;
    private readonly HttpClient client;

    /// <summary>Downloads with <paramref name="client"/>, or with a client of Lumen's own.</summary>
    public FileDownloader(HttpClient? client = null)
    {
        this.client = client ?? SharedClient.Value;
    }

    /// <summary>Requests per address: the first, and the resumptions after a connection broke off.</summary>
    public int Attempts { get; init; } = 4;

    /// <summary>Longest wait for the next bytes before a connection counts as broken.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(60) });

    /// <summary>Downloads <paramref name="file"/> into <paramref name="folder"/> (created if needed) and returns its path.</summary>
    /// <exception cref="LumenException">No address delivered the file with the right hash (kind InputData); the message names each address and why.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is left in the folder.</exception>
    public string Download(RemoteFile file, string folder, IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        string target = Path.Combine(folder, file.Name);
        string partial = Path.Combine(folder, "." + file.Name + ".partial");
        var failures = new List<string>();
        try
        {
            foreach (Uri address in file.Addresses)
            {
                DeleteIfPresent(partial);
                string? failure = Fetch(address, file.Name, partial, progress, cancellation);
                if (failure is null)
                {
                    string actual = Hash(partial, file.Algorithm);
                    if (file.Matches(actual))
                    {
                        File.Move(partial, target, overwrite: true);
                        return target;
                    }

                    failure = $"{file.Algorithm.Name} {actual}, expected {file.ExpectedHash.ToLowerInvariant()}{(file.HashIsPrefix ? "..." : "")}";
                }

                failures.Add($"{address}: {failure}");
            }
        }
        finally
        {
            DeleteIfPresent(partial);
        }

        throw LumenException.InputData($"could not download {file.Name} ({string.Join("; ", failures)})");
    }

    /// <summary>Fetches <paramref name="address"/> into <paramref name="partial"/>, resuming after breaks; returns null or why it failed.</summary>
    private string? Fetch(Uri address, string name, string partial, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        string failure = "no attempt made";
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            cancellation.ThrowIfCancellationRequested();
            long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, address);
                if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
                using HttpResponseMessage response = client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    DeleteIfPresent(partial); // the server's file changed under the partial one: start again
                    failure = "the server refused to resume";
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                }

                bool resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                if (!resumed) have = 0;
                long? length = response.Content.Headers.ContentLength;
                long? total = length is { } l ? have + l : null;
                using Stream body = response.Content.ReadAsStream(cancellation);
                using (var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    Copy(body, output, name, have, total, progress, cancellation);
                }

                long received = new FileInfo(partial).Length;
                if (total is { } expected && received < expected)
                {
                    failure = string.Create(CultureInfo.InvariantCulture, $"the connection closed after {received} of {expected} bytes");
                    continue;
                }

                return null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                failure = e.Message.Split('\n')[0].Trim();
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{failure} ({Attempts} attempts)");
    }

    private void Copy(Stream body, FileStream output, string name, long done, long? total, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        var buffer = new byte[BufferSize];
        progress?.Report(new DownloadProgress(name, done, total));
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(ReadTimeout);
            int read = body.ReadAsync(buffer.AsMemory(), timeout.Token).AsTask().GetAwaiter().GetResult();
            if (read == 0) break;
            output.Write(buffer, 0, read);
            done += read;
            progress?.Report(new DownloadProgress(name, done, total));
        }
    }

    /// <summary>The hash of the file at <paramref name="path"/>, in lower-case hexadecimal.</summary>
    internal static string Hash(string path, HashAlgorithmName algorithm)
    {
        using FileStream stream = File.OpenRead(path);
        byte[] digest;
        if (algorithm == HashAlgorithmName.SHA256) digest = SHA256.HashData(stream);
#pragma warning disable CA5351 // An integrity check against the hash a publisher gives (Fashion-MNIST publishes MD5 only), not a security boundary.
        else if (algorithm == HashAlgorithmName.MD5) digest = MD5.HashData(stream);
#pragma warning restore CA5351
        else throw new ArgumentException($"unsupported hash algorithm {algorithm.Name}", nameof(algorithm));
        return Convert.ToHexStringLower(digest);
    }

    private static void DeleteIfPresent(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }
}
