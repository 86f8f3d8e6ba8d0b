using System.Text.RegularExpressions;

namespace Lumen.Onnx;

/// <summary>
/// Turns an ONNX Runtime error message into one clean line for a <see cref="LumenException"/>: terminal escape
/// sequences (the colours of ONNX Runtime's log lines) are removed whole, log records are dropped, and the first line
/// that remains is kept.
/// </summary>
internal static partial class OrtMessage
{
    /// <summary>The first meaningful line of <paramref name="message"/>, without escape sequences.</summary>
    public static string Clean(string? message)
    {
        string plain = Escapes().Replace(message ?? "", "");
        var lines = plain.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        string? first = lines.FirstOrDefault(line => !LogRecord().IsMatch(line)) ?? lines.FirstOrDefault();
        return first ?? "no message";
    }

    // CSI (ESC [ parameters, intermediates, final byte), OSC (ESC ] ... BEL or ESC \) and two-byte ESC sequences.
    [GeneratedRegex(@"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(?:\x07|\x1B\\)?|\x1B[@-Z\\-_]|\x9B[0-?]*[ -/]*[@-~]")]
    private static partial Regex Escapes();

    // A log record such as "2026-12-07 20:01:46.123 [E:onnxruntime:, inference_session.cc:123 Load] ...".
    [GeneratedRegex(@"^\d{4}-\d\d-\d\d[ T][0-9:.]+ \[[VIWEF]:onnxruntime:")]
    private static partial Regex LogRecord();
}
