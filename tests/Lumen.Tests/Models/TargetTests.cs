using Lumen.Models;
using TorchSharp;
using Xunit;

namespace Lumen.Tests.Models;

public class TargetTests
{
    private static torch.Tensor Logits() => torch.tensor(new float[] { 1, 5, 2, 9, 0, 3 }).reshape(2, 3);

    [Fact]
    public void PredictedIsTheArgmax()
    {
        using var logits = Logits();
        Assert.Equal(new long[] { 1, 0 }, Target.Predicted.ResolveClasses(logits));
        using var scores = Target.Predicted.Score(logits);
        Assert.Equal(new float[] { 5, 9 }, scores.data<float>().ToArray());
    }

    [Fact]
    public void OneClassAppliesToEveryImage()
    {
        using var logits = Logits();
        using var scores = Target.Class(2).Score(logits);
        Assert.Equal(new float[] { 2, 3 }, scores.data<float>().ToArray());
    }

    [Fact]
    public void OneClassPerImage()
    {
        using var logits = Logits();
        Assert.Equal(new long[] { 0, 2 }, Target.Classes(new[] { 0, 2 }).ResolveClasses(logits));
    }

    [Fact]
    public void ClassOutOfRangeIsAUsageError()
    {
        using var logits = Logits();
        var error = Assert.Throws<LumenException>(() => Target.Class(3).ResolveClasses(logits));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("target class 3 is out of range: the model has 3 classes (0 to 2)", error.Message);
    }

    [Fact]
    public void TargetCountMustMatchImageCount()
    {
        using var logits = Logits();
        var error = Assert.Throws<LumenException>(() => Target.Classes(new[] { 0, 1, 2 }).ResolveClasses(logits));
        Assert.Contains("3 target classes were given for 2 images", error.Message);
    }

    [Fact]
    public void FunctionTargetScoresAnyScalar()
    {
        using var logits = Logits();
        var target = Target.Function(l => l.softmax(1)[.., 0], "probability of class 0");
        using var scores = target.Score(logits);
        Assert.Equal(-1, target.ResolveClasses(logits)[0]);
        Assert.InRange(scores.data<float>()[0], 0.01f, 0.03f);
    }

    [Fact]
    public void FunctionTargetMustReturnOneScorePerImage()
    {
        using var logits = Logits();
        var target = Target.Function(l => l.sum(), "total");
        Assert.Throws<LumenException>(() => target.Score(logits));
    }
}
