using System.Globalization;
using Lumen.Attributions.Gradients;
using Lumen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Feature ablation with Captum's <c>FeatureAblation</c> semantics: the input elements sharing a feature id are
/// replaced together by the baseline, one feature at a time, and every element of the feature gets
/// f(x) − f(x with the feature ablated). The output has the input's shape [N, C, H, W]. One forward pass per
/// distinct id (per image), run through the shared <see cref="BatchedEvaluator"/>.
/// </summary>
public sealed class FeatureAblation : IAttributionMethod
{
    private readonly BatchedEvaluator evaluator;

    /// <summary>Creates feature ablation.</summary>
    /// <param name="model">The explained model.</param>
    /// <param name="mask">The feature ids.</param>
    /// <param name="replacement">What ablated elements become; null for zeros (Captum's default).</param>
    /// <param name="options">Batch size, output (default logit), progress, cancellation; null for defaults.</param>
    public FeatureAblation(ExplainableModel model, FeatureMask mask, Baseline? replacement = null, EvaluationOptions? options = null)
    {
        Mask = mask;
        Replacement = replacement ?? Baseline.Zero;
        evaluator = new BatchedEvaluator(model, options ?? new EvaluationOptions());
    }

    /// <summary>The feature ids.</summary>
    public FeatureMask Mask { get; }

    /// <summary>What ablated elements become.</summary>
    public Baseline Replacement { get; }

    /// <inheritdoc />
    public string Name => "feature-ablation";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["feature-mask"] = Mask.Description,
        ["baseline"] = Replacement.Description,
        ["output"] = evaluator.Options.OutputName,
        ["batch-size"] = evaluator.Options.BatchSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public Attribution Attribute(Tensor input, Target target)
    {
        evaluator.Model.ValidateInput(input);
        using var scope = NewDisposeScope();
        Tensor ids = Mask.For(input);
        Tensor distinct = torch.unique(ids.flatten(), sorted: true).output;
        var resolved = evaluator.Resolve(input, target);
        Tensor replacement = Replacement.For(input);
        Tensor scores = evaluator.Evaluate(resolved, new Ablations(input, replacement, ids, distinct));
        Tensor deltas = torch.tensor(resolved.Scores, dtype: ScalarType.Float32).unsqueeze(1) - scores;
        Tensor featureIndex = torch.searchsorted(distinct, ids.expand(input.shape).contiguous()).cpu();
        long images = input.shape[0];
        Tensor values = deltas.gather(1, featureIndex.reshape(images, -1)).reshape(input.shape).to(input.device);
        return new Attribution(values, Name, resolved.Classes, resolved.Logits, Settings);
    }

    private sealed class Ablations : IPerturbations
    {
        private readonly Tensor input;
        private readonly Tensor replacement;
        private readonly Tensor ids;
        private readonly Tensor distinct;

        public Ablations(Tensor input, Tensor replacement, Tensor ids, Tensor distinct)
        {
            this.input = input;
            this.replacement = replacement;
            this.ids = ids;
            this.distinct = distinct;
        }

        public long PerImage => distinct.shape[0];

        public Tensor Build(int image, long first, long count)
        {
            Tensor imageIds = ids[ids.shape[0] == 1 ? 0 : image].unsqueeze(0);
            Tensor ablated = imageIds.eq(distinct.narrow(0, first, count).reshape(-1, 1, 1, 1));
            return torch.where(ablated, replacement[image].unsqueeze(0), input[image].unsqueeze(0));
        }
    }
}
