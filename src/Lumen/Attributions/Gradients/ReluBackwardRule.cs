namespace Lumen.Attributions.Gradients;

/// <summary>How a ReLU passes the gradient backwards in <see cref="ModifiedReluBackprop"/> (Springenberg et al. 2015).</summary>
public enum ReluBackwardRule
{
    /// <summary>Guided backpropagation: only where the forward input was positive and the incoming gradient is positive.</summary>
    Guided,

    /// <summary>Deconvnet (Zeiler and Fergus 2014): only where the incoming gradient is positive, ignoring the forward input.</summary>
    Deconvnet,
}
