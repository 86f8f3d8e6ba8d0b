namespace Lumen.Tests.Onnx;

/// <summary>The files of <c>fixtures/onnx/real</c> (written by its <c>make_fixtures.py</c>).</summary>
internal static class RealFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(Fixtures.Root, "onnx", "real", name);

    /// <summary>The zoo MNIST classifier as tf2onnx writes it: input declared [1, 1, 28, 28], Reshape to the constant [1, 256].</summary>
    public static string FixedBatchMnist => Path("mnist_tf2onnx_op8.onnx");

    /// <summary>A ResNet-like stem with asymmetric pads, SAME_UPPER, a Pad node and an asymmetric average pool.</summary>
    public static string StemPads => Path("stem_pads.onnx");

    /// <summary>A feature extractor with output [N, 16, 1, 1].</summary>
    public static string Features => Path("features.onnx");

    /// <summary>A ResNet-18-like graph with TensorFlow-style (SAME, asymmetric) padding and residual Adds, width 4, input 3x64x64.</summary>
    public static string PaddedResnet => Path("padded_resnet.onnx");
}
