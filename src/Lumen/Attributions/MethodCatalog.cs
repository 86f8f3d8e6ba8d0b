using Lumen.Attributions.Attention;
using Lumen.Attributions.Cam;
using Lumen.Attributions.DeepLift;
using Lumen.Attributions.Gradients;
using Lumen.Attributions.Layers;
using Lumen.Attributions.Neurons;
using Lumen.Attributions.Perturbation;
using Lumen.Attributions.Relevance;
using Lumen.Models;

namespace Lumen.Attributions;

/// <summary>Every attribution method Lumen offers, by command-line name.</summary>
public static class MethodCatalog
{
    /// <summary>All methods, in the order <c>lumen methods</c> lists them.</summary>
    public static IReadOnlyList<MethodDescriptor> All { get; } = new[]
    {
        new MethodDescriptor("saliency", "gradient", "signed gradient of the target score with respect to each input element",
            false, Array.Empty<MethodSetting>(), (model, _) => new Saliency(model, SaliencyMode.Signed)),
        new MethodDescriptor("saliency-abs", "gradient", "absolute gradient |df/dx| (Captum's Saliency default)",
            false, Array.Empty<MethodSetting>(), (model, _) => new Saliency(model, SaliencyMode.Absolute)),
        new MethodDescriptor("saliency-squared", "gradient", "squared gradient (df/dx)^2, the sensitivity of Simonyan et al.",
            false, Array.Empty<MethodSetting>(), (model, _) => new Saliency(model, SaliencyMode.Squared)),
        new MethodDescriptor("gradient-x-input", "gradient", "gradient times input, x * df/dx (Captum's InputXGradient)",
            false, Array.Empty<MethodSetting>(), (model, _) => new GradientTimesInput(model, GradientTimesInputMode.Gradient)),
        new MethodDescriptor("gradient-squared-x-input", "gradient", "squared gradient times input, x * (df/dx)^2",
            false, Array.Empty<MethodSetting>(), (model, _) => new GradientTimesInput(model, GradientTimesInputMode.SquaredGradient)),
        new MethodDescriptor("integrated-gradients", "gradient", "Integrated Gradients: (x - x') times the gradient integrated from a baseline x' (Captum defaults)",
            false, GradientFamilyOptions.IntegratedGradientsSettings, GradientFamilyOptions.CreateIntegratedGradients),
        new MethodDescriptor("smoothgrad", "gradient", "SmoothGrad / SmoothGrad^2 / VarGrad: any method averaged over noisy copies (Captum's NoiseTunnel)",
            false, GradientFamilyOptions.SmoothGradSettings, GradientFamilyOptions.CreateSmoothGrad),
        new MethodDescriptor("guided-backprop", "gradient", "guided backpropagation: gradient passed back only where ReLU input and gradient are positive",
            false, Array.Empty<MethodSetting>(), (model, _) => new ModifiedReluBackprop(model, ReluBackwardRule.Guided)),
        new MethodDescriptor("deconvnet", "gradient", "deconvnet: every ReLU passes back only the positive part of the gradient",
            false, Array.Empty<MethodSetting>(), (model, _) => new ModifiedReluBackprop(model, ReluBackwardRule.Deconvnet)),
        new MethodDescriptor("guided-gradcam", "gradient", "guided backpropagation times the Grad-CAM map of --layer, upsampled by nearest neighbour",
            true, Array.Empty<MethodSetting>(), (model, options) => new GuidedGradCam(model, options.RequireLayer("guided-gradcam"))),
        new MethodDescriptor("deeplift", "gradient", "DeepLift, rescale rule: (x - x') times the gradient with each activation's and max-pool's slope replaced by its difference ratio; sums to f(x) - f(x')",
            false, DeepLiftSettings.ForDeepLift, DeepLiftSettings.CreateDeepLift),
        new MethodDescriptor("deeplift-shap", "gradient", "DeepLift SHAP: DeepLift averaged over a set of reference inputs (Captum's DeepLiftShap)",
            false, DeepLiftSettings.ForDeepLiftShap, DeepLiftSettings.CreateDeepLiftShap),
        new MethodDescriptor("gradient-shap", "gradient", "GradientSHAP: (x - b) times the gradient at random points between random references b and the noisy input (Captum's GradientShap)",
            false, GradientShapSettings.All, GradientShapSettings.Create),
        new MethodDescriptor("layer-integrated-gradients", "layer", "integrated gradients in a layer's output space, from its value for the baseline to its value for x; map [N, C, h, w]",
            true, LayerSettings.Path, LayerSettings.CreateIntegratedGradients),
        new MethodDescriptor("layer-conductance", "layer", "layer conductance: gradient at the layer times its change, summed along the input path; map [N, C, h, w]",
            true, LayerSettings.Path, LayerSettings.CreateConductance),
        new MethodDescriptor("layer-gradient-x-activation", "layer", "layer activation times its gradient; map [N, C, h, w]",
            true, Array.Empty<MethodSetting>(), LayerSettings.CreateGradientXActivation),
        new MethodDescriptor("internal-influence", "layer", "internal influence: the layer's gradient averaged along the input path; map [N, C, h, w]",
            true, LayerSettings.Path, LayerSettings.CreateInternalInfluence),
        new MethodDescriptor("neuron-gradient", "neuron", "gradient of one neuron of a layer with respect to the input",
            false, NeuronSettings.NeuronOnly, NeuronSettings.CreateGradient),
        new MethodDescriptor("neuron-integrated-gradients", "neuron", "integrated gradients of one neuron's value",
            false, NeuronSettings.IntegratedGradients, NeuronSettings.CreateIntegratedGradients),
        new MethodDescriptor("neuron-conductance", "neuron", "neuron conductance: how much of the target score flows from each input element through one neuron",
            false, NeuronSettings.Conductance, NeuronSettings.CreateConductance),
        new MethodDescriptor("neuron-guided-backprop", "neuron", "guided backpropagation of one neuron's value",
            false, NeuronSettings.NeuronOnly, NeuronSettings.CreateGuidedBackprop),
        new MethodDescriptor("gradcam", "cam", "Grad-CAM: layer channels weighted by their mean gradient, map at the layer's resolution",
            false, CamSettings.Shared,
            (model, options) => new GradCam(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("cam", "cam", "CAM: the classifier's weights for the class applied to the layer feeding global average pooling",
            false, CamSettings.Shared,
            (model, options) => new ClassActivationMapping(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("gradcam-plus-plus", "cam", "Grad-CAM++: channel weights from positive gradients with pytorch-grad-cam's closed-form alpha",
            false, CamSettings.Shared,
            (model, options) => new GradCamPlusPlus(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("hirescam", "cam", "HiResCAM: gradient times activation, summed over channels (no averaging)",
            false, CamSettings.Shared,
            (model, options) => new HiResCam(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("xgradcam", "cam", "XGrad-CAM: channel weights = sum of gradient x activation over the channel's activation sum",
            false, CamSettings.Shared,
            (model, options) => new XGradCam(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("layercam", "cam", "LayerCAM: positive gradient times activation, element-wise, summed over channels",
            false, CamSettings.Shared,
            (model, options) => new LayerCam(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("scorecam", "cam", "Score-CAM: softmax of the target logits of the input masked by each upsampled channel",
            false, CamSettings.WithBatchSize(ScoreCam.DefaultBatchSize),
            (model, options) => new ScoreCam(model, CamSettings.Parse(model, options), options.GetInt("batch-size", ScoreCam.DefaultBatchSize)), UsesLayer: true),
        new MethodDescriptor("ablationcam", "cam", "Ablation-CAM: relative drop of the target logit when each channel is ablated",
            false, CamSettings.WithBatchSize(AblationCam.DefaultBatchSize),
            (model, options) => new AblationCam(model, CamSettings.Parse(model, options), options.GetInt("batch-size", AblationCam.DefaultBatchSize)), UsesLayer: true),
        new MethodDescriptor("eigencam", "cam", "Eigen-CAM: projection of the centred activations on their first principal direction",
            false, CamSettings.Projection,
            (model, options) => new EigenCam(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("eigengradcam", "cam", "Eigen-Grad-CAM: projection of the centred gradient x activation terms on their first principal direction",
            false, CamSettings.Projection,
            (model, options) => new EigenGradCam(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("gradcam-elementwise", "cam", "Grad-CAM element-wise: ReLU of gradient times activation per channel, summed over channels",
            false, CamSettings.Shared,
            (model, options) => new GradCamElementWise(model, CamSettings.Parse(model, options)), UsesLayer: true),
        new MethodDescriptor("fullgrad", "cam", "FullGrad: input-gradient term plus the bias-gradient terms of every conv/BatchNorm layer (ignores --layer)",
            false, new[] { CamSettings.AugSmooth },
            (model, options) => new FullGrad(model, options.GetBool("aug-smooth", false))),
        new MethodDescriptor("attention-rollout", "attention", "attention rollout: the class token's attention to the patches, multiplied through the blocks with the residual identity (vision transformers)",
            false, AttentionSettings.RolloutSettings, AttentionSettings.CreateRollout),
        new MethodDescriptor("grad-attention-rollout", "attention", "gradient-weighted attention rollout: R += mean over heads of ReLU(dscore/dA x A) R, class token's row (vision transformers)",
            false, Array.Empty<MethodSetting>(), (model, _) => new GradientAttentionRollout(model)),
        new MethodDescriptor("lrp", "relevance", "layer-wise relevance propagation with Zennit's rules and composites (default epsilon-plus-flat)",
            false, LrpSettings.All, (model, options) => LrpSettings.Create(model, options)),
        new MethodDescriptor("occlusion", "perturbation", "occlusion: mean drop of the target score when a sliding window covering the pixel is replaced (Captum's Occlusion)",
            false, PerturbationSettings.OcclusionSettings, PerturbationSettings.CreateOcclusion),
        new MethodDescriptor("feature-ablation", "perturbation", "feature ablation: drop of the target score when the pixel's feature (mask id or superpixel) is replaced (Captum's FeatureAblation)",
            false, PerturbationSettings.FeatureAblationSettings, PerturbationSettings.CreateFeatureAblation),
        new MethodDescriptor("rise", "perturbation", "RISE: scores of the image under random smooth masks, averaged with the masks as weights",
            false, PerturbationSettings.RiseSettings, PerturbationSettings.CreateRise),
        new MethodDescriptor("lime", "perturbation", "LIME: weighted ridge surrogate on superpixels switched on and off at random; R^2 in the extras",
            false, PerturbationSettings.LimeSettings, PerturbationSettings.CreateLime),
        new MethodDescriptor("lime-noise", "perturbation", "LIME with pixel noise: K-Lasso on samples x + noise within radius epsilon; local slopes of K pixels",
            false, PerturbationSettings.LimeNoiseSettings, PerturbationSettings.CreateLimeNoise),
        new MethodDescriptor("kernel-shap", "perturbation", "KernelSHAP: Shapley values of superpixels from kernel-sampled coalitions, summing to f(x) - f(baseline)",
            false, PerturbationSettings.KernelShapSettings, PerturbationSettings.CreateKernelShap),
        new MethodDescriptor("learned-mask", "perturbation", "meaningful perturbation: a smooth low-resolution mask optimised (Adam, L1 + TV) to delete or preserve the score",
            false, PerturbationSettings.LearnedMaskSettings, PerturbationSettings.CreateLearnedMask),
    };

    /// <summary>The method called <paramref name="name"/>; an unknown name is a usage error listing the known ones.</summary>
    public static MethodDescriptor Find(string name)
    {
        var found = All.FirstOrDefault(method => method.Name == name.ToLowerInvariant());
        if (found is not null) return found;
        var closest = NameSuggestions.Closest(name, All.Select(method => method.Name), 1);
        throw LumenException.Usage($"unknown method '{name}' (did you mean '{closest[0]}'?); run 'lumen methods' for the list");
    }
}
