using static TorchSharp.torch;

namespace Lumen.Attributions.Neurons;

/// <summary>The attribution of a method that explains a neuron's value (not a class): targets -1, scores the neuron's values.</summary>
internal static class NeuronResult
{
    public static Attribution Create(Tensor values, string method, Tensor neuronValues, IReadOnlyDictionary<string, string> settings,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? extras = null)
    {
        float[] scores = neuronValues.cpu().data<float>().ToArray();
        return new Attribution(values, method, Enumerable.Repeat(-1L, scores.Length).ToArray(), scores, settings, extras: extras);
    }
}
