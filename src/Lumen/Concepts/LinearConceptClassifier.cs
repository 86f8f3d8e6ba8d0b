using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Concepts;

/// <summary>
/// Trains the linear classifier of a concept activation vector: L2-regularised logistic regression, concept = +1,
/// other = −1, on the activations standardised per feature over both sets (so that units of large activation do not
/// dominate the step sizes), by full-batch Adam in float64 from zero weights. Each set is split into training and
/// held-out parts by a permutation seeded with the given seed. The direction is the weight vector mapped back to
/// the unstandardised activations (w / σ per feature) and scaled to unit length.
/// </summary>
public static class LinearConceptClassifier
{
    /// <summary>The concept activation vector separating <paramref name="concept"/> [P, D] from <paramref name="other"/> [Q, D].</summary>
    public static ConceptActivationVector Train(Tensor concept, Tensor other, ConceptClassifierOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(concept);
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(options);
        if (concept.dim() != 2 || other.dim() != 2 || concept.shape[1] != other.shape[1])
            throw new ArgumentException($"activations [{string.Join(", ", concept.shape)}] and [{string.Join(", ", other.shape)}] must be [N, D] with one D");
        if (concept.shape[0] < 2 || other.shape[0] < 2) throw LumenException.Usage("a concept activation vector needs at least two images in each set");
        if (!(options.TestShare >= 0 && options.TestShare < 1)) throw LumenException.Usage($"test share {options.TestShare}: expected at least 0 and below 1");
        using var scope = NewDisposeScope();
        var random = new Random(seed);
        var (conceptTrain, conceptTest) = Split(concept.to_type(ScalarType.Float64), options.TestShare, random);
        var (otherTrain, otherTest) = Split(other.to_type(ScalarType.Float64), options.TestShare, random);
        Tensor features = torch.cat(new[] { conceptTrain, otherTrain }, 0);
        Tensor labels = torch.cat(new[] { torch.ones(conceptTrain.shape[0], dtype: ScalarType.Float64), -torch.ones(otherTrain.shape[0], dtype: ScalarType.Float64) }, 0).to(features.device);
        Tensor mean = features.mean(new long[] { 0 }, keepdim: true);
        Tensor deviation = features.std(0, keepdim: true).clamp_min(1e-12);
        Tensor standard = (features - mean) / deviation;
        var (weightValues, biasValue) = Fit(standard.contiguous().cpu().data<double>().ToArray(), labels.cpu().data<double>().ToArray(),
            (int)standard.shape[1], options);
        Tensor weights = torch.tensor(weightValues, dtype: ScalarType.Float64, device: features.device);
        Tensor bias = torch.tensor(biasValue, dtype: ScalarType.Float64, device: features.device);
        Tensor direction = weights / deviation.squeeze(0);
        double norm = direction.norm().item<double>();
        if (!(norm > 0)) throw LumenException.Usage("the concept and the other images give the same activations: no direction separates them");
        direction = direction / norm;
        Tensor centred = mean.squeeze(0);
        double Accuracy(Tensor x, double sign) => x.shape[0] == 0 ? double.NaN
            : (((x - centred).matmul(direction) + bias / norm).mul(sign).gt(0)).to_type(ScalarType.Float64).sum().item<double>();
        long held = conceptTest.shape[0] + otherTest.shape[0];
        double accuracy = held == 0 ? double.NaN : (Accuracy(conceptTest, 1) + Accuracy(otherTest, -1)) / held;
        return new ConceptActivationVector(direction.contiguous().MoveToOuterDisposeScope(), accuracy);
    }

    /// <summary>
    /// Minimises mean(softplus(−y (X w + b))) + α/2 ‖w‖² by full-batch Adam (β = 0.9, 0.999, ε = 1e-8, as PyTorch's)
    /// from zero, in managed float64 arithmetic: the problem is small (tens of images) and the steps are many.
    /// </summary>
    private static (double[] Weights, double Bias) Fit(double[] x, double[] y, int features, ConceptClassifierOptions options)
    {
        int rows = y.Length;
        var w = new double[features];
        double b = 0;
        var mw = new double[features];
        var vw = new double[features];
        double mb = 0, vb = 0;
        var dz = new double[rows];
        var gw = new double[features];
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        for (int step = 1; step <= options.Iterations; step++)
        {
            double gb = 0;
            for (int i = 0; i < rows; i++)
            {
                double z = b;
                int offset = i * features;
                for (int j = 0; j < features; j++) z += x[offset + j] * w[j];
                double margin = y[i] * z;
                // d softplus(−m) / dz = −y · sigmoid(−m), averaged over the rows.
                dz[i] = -y[i] / (1 + Math.Exp(margin)) / rows;
                gb += dz[i];
            }
            for (int j = 0; j < features; j++) gw[j] = options.L2 * w[j];
            for (int i = 0; i < rows; i++)
            {
                int offset = i * features;
                double d = dz[i];
                for (int j = 0; j < features; j++) gw[j] += x[offset + j] * d;
            }
            double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
            double stepSize = options.LearningRate / correction1;
            for (int j = 0; j < features; j++)
            {
                mw[j] = beta1 * mw[j] + (1 - beta1) * gw[j];
                vw[j] = beta2 * vw[j] + (1 - beta2) * gw[j] * gw[j];
                w[j] -= stepSize * mw[j] / (Math.Sqrt(vw[j] / correction2) + epsilon);
            }
            mb = beta1 * mb + (1 - beta1) * gb;
            vb = beta2 * vb + (1 - beta2) * gb * gb;
            b -= stepSize * mb / (Math.Sqrt(vb / correction2) + epsilon);
        }
        return (w, b);
    }

    private static (Tensor Train, Tensor Test) Split(Tensor x, double testShare, Random random)
    {
        int count = (int)x.shape[0];
        int test = Math.Min(count - 1, (int)Math.Round(count * testShare));
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        using var testIndex = torch.tensor(order.Take(test).Select(i => (long)i).ToArray(), device: x.device);
        using var trainIndex = torch.tensor(order.Skip(test).Select(i => (long)i).ToArray(), device: x.device);
        return (x.index_select(0, trainIndex), x.index_select(0, testIndex));
    }
}
