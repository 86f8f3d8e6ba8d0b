using Google.Protobuf;
using Lumen.Onnx;
using Lumen.Tests.Onnx;
using Xunit;

namespace Lumen.Tests.Reliability;

/// <summary>ONNX Runtime's coloured log lines never reach Lumen's messages: escape sequences are removed whole.</summary>
public sealed class OrtMessageTests
{
    [Fact]
    public void ColouredLogRecordsAndEscapesAreRemovedWhole()
    {
        string raw = "\u001b[1;31m2026-12-07 20:01:46.123456789 [E:onnxruntime:, inference_session.cc:2100 operator()] Exception\u001b[m\n"
                     + "\u001b[0;93m[ONNXRuntimeError] : 1 : FAIL : Load model failed:Fatal error: Foo is not a registered function/op\u001b[0m\n";
        string clean = OrtMessage.Clean(raw);
        Assert.Equal("[ONNXRuntimeError] : 1 : FAIL : Load model failed:Fatal error: Foo is not a registered function/op", clean);
        Assert.DoesNotContain('\u001b', clean);
        Assert.DoesNotContain("[1;31m", clean);
        Assert.Equal("plain", OrtMessage.Clean("\u001b]0;title\u0007plain"));
    }

    [Fact]
    public void RuntimeLoadFailureIsOneCleanModelError()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder(4, 13, 1, 8, 8);
        string x = g.Node("NoSuchOperator", new[] { "input" });
        string path = g.Save(x, temp.File("unknown.onnx"));
        var error = Assert.Throws<LumenException>(() => new OnnxRuntimeSession(path).Dispose());
        Assert.Equal(ErrorKind.Model, error.Kind);
        Assert.Contains("ONNX Runtime cannot load", error.Message);
        Assert.Contains("NoSuchOperator", error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
        Assert.DoesNotMatch(@"\[\d+(;\d+)*m", error.Message);
    }
}
