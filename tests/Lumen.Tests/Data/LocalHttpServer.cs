using System.Net;
using System.Net.Sockets;

namespace Lumen.Tests.Data;

/// <summary>An HTTP server on 127.0.0.1 at a free port, answering every request with <c>handler</c>; records each request's path and Range header.</summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Action<HttpListenerContext, int> handler;
    private readonly Task loop;
    private int requests;

    /// <param name="handler">Answers one request; the second argument counts requests from 1.</param>
    public LocalHttpServer(Action<HttpListenerContext, int> handler)
    {
        this.handler = handler;
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(BaseAddress.ToString());
        listener.Start();
        loop = Task.Run(Serve);
    }

    public Uri BaseAddress { get; }

    /// <summary>The Range header of every request, in order (null when there was none).</summary>
    public List<string?> Ranges { get; } = [];

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
    }

    /// <summary>Answers with the bytes of <paramref name="content"/> from the requested range on (206), or all of them (200).</summary>
    public static void Serve(HttpListenerContext context, byte[] content, int? cutAfter = null)
    {
        int start = 0;
        string? range = context.Request.Headers["Range"];
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = int.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = 206;
            context.Response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
        }

        context.Response.ContentLength64 = content.Length - start;
        int end = cutAfter is { } cut ? Math.Min(cut, content.Length) : content.Length;
        context.Response.OutputStream.Write(content, start, Math.Max(0, end - start));
        context.Response.OutputStream.Flush();
        if (cutAfter is not null) context.Response.Abort(); // the connection breaks off before the declared length
        else context.Response.Close();
    }

    private void Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = listener.GetContext(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            lock (Ranges) Ranges.Add(context.Request.Headers["Range"]);
            try { handler(context, Interlocked.Increment(ref requests)); }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
