// Defines a small TorchSharp CNN, trains it on a synthetic task (which quadrant holds the bright square?), explains
// it with gradient × input and LRP, and checks the explanations: how much relevance falls on the square, and the
// deletion AUC of gradient × input against a random map (lower is more faithful).
// Run: dotnet run --project samples/CustomModel
using Lumen.Attributions;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Relevance;
using Lumen.Evaluation;
using Lumen.Models;
using Lumen.Training;
using TorchSharp;
using static TorchSharp.torch;

torch.manual_seed(0);
var network = nn.Sequential(
    ("conv1", nn.Conv2d(1, 8, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
    ("conv2", nn.Conv2d(8, 16, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
    ("flatten", nn.Flatten()), ("fc", nn.Linear(16 * 7 * 7, 4)));

using (var training = SquareData.Make(count: 2048, seed: 1))
{
    foreach (EpochResult epoch in Trainer.Train(network, training, new TrainingOptions { Epochs = 3, BatchSize = 64 }))
        Console.WriteLine($"epoch {epoch.Epoch}: loss {epoch.Loss:F3}, training accuracy {epoch.Accuracy:P1}");
}

using var model = new ExplainableModel(network, "square-cnn", [1, 28, 28], ["top-left", "top-right", "bottom-left", "bottom-right"]);
using var test = SquareData.Make(count: 8, seed: 2);
using var gxi = new GradientTimesInput(model).Attribute(test.Inputs, Target.Predicted);              // [8, 1, 28, 28]
using var lrp = new Lrp(model, Composites.EpsilonPlus()).Attribute(test.Inputs, Target.Predicted);   // [8, 1, 28, 28]
using var random = new RandomAttribution(model, seed: 0).Attribute(test.Inputs, Target.Predicted);

for (int i = 0; i < test.Count; i++)
{
    int quadrant = (int)test.Labels[i].item<long>();
    RegionBox box = SquareData.Box(quadrant);
    using var gxiMap = gxi.Values.narrow(0, i, 1);
    using var lrpMap = lrp.Values.narrow(0, i, 1);
    Console.WriteLine($"image {i}: square {model.LabelOf(quadrant)}, predicted {model.LabelOf(gxi.Targets[i])}; " +
        $"positive relevance on the square (area {box.Area / 784.0:P0}): gradient × input " +
        $"{RelevanceMass.PositiveShareInBox(gxiMap, box)[0]:P0}, LRP {RelevanceMass.PositiveShareInBox(lrpMap, box)[0]:P0}");
}

var deletion = new FaithfulnessOptions();
using var gxiRelevance = gxi.Values.sum(1);
using var randomRelevance = random.Values.sum(1);
double gxiAuc = Faithfulness.Deletion(model, test.Inputs, Target.Predicted, gxiRelevance, deletion).Average(c => c.Value);
double randomAuc = Faithfulness.Deletion(model, test.Inputs, Target.Predicted, randomRelevance, deletion).Average(c => c.Value);
Console.WriteLine($"deletion AUC (lower is better): gradient × input {gxiAuc:F3}, random map {randomAuc:F3}");

/// <summary>Noisy 28x28 grey images with a bright 6x6 square in one quadrant; the label is the quadrant.</summary>
internal static class SquareData
{
    /// <summary>Where the square of <paramref name="quadrant"/> lies (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right).</summary>
    public static RegionBox Box(int quadrant) => new(Top: quadrant / 2 * 14 + 4, Left: quadrant % 2 * 14 + 4, Height: 6, Width: 6);

    /// <summary>Makes <paramref name="count"/> labelled images, the same ones for the same seed.</summary>
    public static LabelledTensors Make(int count, int seed)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator((ulong)seed);
        var labels = torch.randint(0, 4, [count], generator: generator, dtype: ScalarType.Int64);
        var images = torch.rand([count, 1, 28, 28], generator: generator) * 0.3f;
        for (int i = 0; i < count; i++)
        {
            RegionBox box = Box((int)labels[i].item<long>());
            images[i, 0, TensorIndex.Slice(box.Top, box.Top + box.Height), TensorIndex.Slice(box.Left, box.Left + box.Width)] = 1.0f;
        }
        return new LabelledTensors(images, labels);
    }
}
