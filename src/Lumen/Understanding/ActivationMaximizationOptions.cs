namespace Lumen.Understanding;

/// <summary>How the images are represented while they are optimised.</summary>
public enum ImageParameterizationKind
{
    /// <summary>The pixels themselves, clipped to the valid range after every step.</summary>
    Pixel,

    /// <summary>Lucid's decorrelated Fourier spectrum behind a sigmoid (colour decorrelation for RGB models).</summary>
    Fourier,
}

/// <summary>The update rule of the gradient ascent.</summary>
public enum AscentRule
{
    /// <summary>Adam (Kingma &amp; Ba 2015) with β1 = 0.9, β2 = 0.999, ε = 1e-8, as lucent uses.</summary>
    Adam,

    /// <summary>Plain gradient ascent: parameter += learning rate · gradient.</summary>
    Plain,
}

/// <summary>Where the optimisation starts.</summary>
public enum InitKind
{
    /// <summary>Random: pixels 0.5 + N(0, sd²) for the pixel form, a spectrum N(0, sd²) for the Fourier form.</summary>
    Noise,

    /// <summary>Every pixel at <see cref="ActivationMaximizationOptions.InitValue"/> (0 is the "zero start").</summary>
    Constant,

    /// <summary>The pixels of <see cref="ActivationMaximizationOptions.InitImage"/> (e.g. a dataset image).</summary>
    Image,
}

/// <summary>
/// Settings of <see cref="ActivationMaximization"/>. Defaults follow lucent (Adam, learning rate 0.05, Fourier
/// parameterization with sd 0.01 and decay 1, jitter, scale and rotation) with fewer steps (256 instead of 512).
/// </summary>
public sealed record ActivationMaximizationOptions
{
    /// <summary>Gradient steps. Default 256.</summary>
    public int Steps { get; init; } = 256;

    /// <summary>Learning rate. Default 0.05 (lucent).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Update rule. Default Adam.</summary>
    public AscentRule Rule { get; init; } = AscentRule.Adam;

    /// <summary>Image representation. Default Fourier (Lucid's fft image with colour decorrelation).</summary>
    public ImageParameterizationKind Parameterization { get; init; } = ImageParameterizationKind.Fourier;

    /// <summary>
    /// Whether the pixel form is clipped to the valid input range (pixels in [0, 1], i.e. the model's normalisation
    /// of them) after every step. Default true. Off, the ascent is Simonyan et al.'s unconstrained one and may leave
    /// the range images can have. (The Fourier form always stays inside, through its sigmoid.)
    /// </summary>
    public bool Clip { get; init; } = true;

    /// <summary>Spectrum decay power of the Fourier form: 1 / f^decay. Default 1.</summary>
    public double Decay { get; init; } = 1;

    /// <summary>Start. Default noise.</summary>
    public InitKind Init { get; init; } = InitKind.Noise;

    /// <summary>Standard deviation of the start noise. Default 0.01 (lucent's spectrum sd; for pixels a nearly flat grey).</summary>
    public double InitNoise { get; init; } = 0.01;

    /// <summary>Pixel value of a constant start, in [0, 1]. Default 0.</summary>
    public double InitValue { get; init; }

    /// <summary>Start pixels [C, H, W] or [1, C, H, W] in [0, 1] for <see cref="InitKind.Image"/>; the caller keeps ownership.</summary>
    public TorchSharp.torch.Tensor? InitImage { get; init; }

    /// <summary>Random shift of up to ± this many pixels before each step; null: the image side / 16, rounded (8 at 128 px like lucent, 2 at 28 px).</summary>
    public int? Jitter { get; init; }

    /// <summary>Random scaling by a factor in [1 − Scale, 1 + Scale] before each step. Default 0.1 (lucent's 0.9–1.1).</summary>
    public double Scale { get; init; } = 0.1;

    /// <summary>Random rotation by up to ± this many degrees before each step. Default 10 (lucent).</summary>
    public double Rotation { get; init; } = 10;

    /// <summary>Weight of the mean squared input (model input space) subtracted from the objective. Default 0.</summary>
    public double L2 { get; init; }

    /// <summary>Weight of the total variation (pixel space) subtracted from the objective. Default 0.</summary>
    public double TotalVariation { get; init; }

    /// <summary>Blur the image every this many steps (pixel form only; Yosinski et al. 2015); 0 turns it off. Default 0.</summary>
    public int BlurEvery { get; init; }

    /// <summary>Standard deviation in pixels of that blur. Default 0.5.</summary>
    public double BlurSigma { get; init; } = 0.5;

    /// <summary>Units optimised together in one batch. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Seed of the start noise and the random transforms; unit i of a run uses seed + i, whatever its batch.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the settings; throws a usage error naming the first wrong one.</summary>
    public void Validate()
    {
        if (Steps < 0) throw LumenException.Usage($"steps must be 0 or more, got {Steps}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw LumenException.Usage($"the learning rate must be positive, got {LearningRate}");
        if (Decay < 0 || double.IsNaN(Decay)) throw LumenException.Usage($"decay must be 0 or more, got {Decay}");
        if (InitNoise < 0 || double.IsNaN(InitNoise)) throw LumenException.Usage($"the start noise must be 0 or more, got {InitNoise}");
        if (InitValue < 0 || InitValue > 1 || double.IsNaN(InitValue)) throw LumenException.Usage($"the constant start must be a pixel value in [0, 1], got {InitValue}");
        if (Init == InitKind.Image && InitImage is null) throw LumenException.Usage("an image start needs the start image");
        if (Jitter is < 0) throw LumenException.Usage($"jitter must be 0 or more pixels, got {Jitter}");
        if (Scale < 0 || Scale >= 1 || double.IsNaN(Scale)) throw LumenException.Usage($"scale must be in [0, 1), got {Scale}");
        if (Rotation < 0 || Rotation > 180 || double.IsNaN(Rotation)) throw LumenException.Usage($"rotation must be in [0, 180] degrees, got {Rotation}");
        if (L2 < 0 || double.IsNaN(L2)) throw LumenException.Usage($"the L2 weight must be 0 or more, got {L2}");
        if (TotalVariation < 0 || double.IsNaN(TotalVariation)) throw LumenException.Usage($"the total-variation weight must be 0 or more, got {TotalVariation}");
        if (BlurEvery < 0) throw LumenException.Usage($"blur-every must be 0 (off) or a number of steps, got {BlurEvery}");
        if (BlurEvery > 0 && Parameterization != ImageParameterizationKind.Pixel)
            throw LumenException.Usage("blurring applies to the pixel parameterization; the Fourier one is smoothed by its frequency decay");
        if (!(BlurSigma > 0)) throw LumenException.Usage($"the blur sigma must be positive, got {BlurSigma}");
        if (BatchSize <= 0) throw LumenException.Usage($"the batch size must be positive, got {BatchSize}");
    }
}
