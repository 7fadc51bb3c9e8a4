using System;

// Compiled into the generator too (HYPERGEN_GENERATOR, internal there), so that the generator reads these attributes
// by the names and constants declared here instead of copies of them.
namespace HyperGen;

/// <summary>
/// Marks a <c>static void</c> optimizer step, written for one scalar weight, from which the HyperGen
/// source generator derives exact hypergradient code for a whole tower of optimizers.
/// </summary>
/// <remarks>
/// The method must live in a <c>static partial class</c>. Its first <c>ref</c> parameter is the weight, its first
/// plain floating-point parameter that is not <see cref="HyperAttribute"/> is the gradient, other <c>ref</c>
/// parameters are per-weight state, <see cref="HyperAttribute"/> parameters are learned hyperparameters and an
/// <c>int</c> marked <see cref="StepIndexAttribute"/> receives the 1-based step count.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
#if HYPERGEN_GENERATOR
internal
#else
public
#endif
sealed class HyperOptimizeAttribute : Attribute
{
    /// <summary>The largest <see cref="Depth"/> a definition may ask for.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Number of levels of the default tower: 1 is an ordinary optimizer, 2 adds one level that tunes this
    /// optimizer's hyperparameters, and so on. Between 1 and <see cref="MaxDepth"/>; 1 by default.
    /// </summary>
    public int Depth { get; set; } = 1;

    /// <summary>
    /// The optimizer (a type with a <see cref="HyperOptimizeAttribute"/> step) used for levels 2 to
    /// <see cref="Depth"/> of the default tower. <see langword="null"/> means this optimizer itself.
    /// </summary>
    public Type? Above { get; set; }
}

/// <summary>Marks a learned hyperparameter of an optimizer step and gives its initial value.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
#if HYPERGEN_GENERATOR
internal
#else
public
#endif
sealed class HyperAttribute : Attribute
{
    /// <summary>Declares a hyperparameter with the given initial value (in the user's domain).</summary>
    public HyperAttribute(double initial) => Initial = initial;

    /// <summary>The initial value, in the user's domain (for example beta1 = 0.9, not its raw parameter).</summary>
    public double Initial { get; }

    /// <summary>The set of values the hyperparameter may take, which decides how it is reparameterised.</summary>
    public HyperDomain Domain { get; set; } = HyperDomain.Real;

    /// <summary>
    /// When <see langword="true"/> and the initial value is exactly zero, the hyperparameter is held at zero and
    /// never learned. This is how the paper's SGD treats momentum: with <c>mu = 0</c> it has no momentum at all.
    /// </summary>
    public bool InactiveAtZero { get; set; }

    /// <summary>
    /// The smallest value (in the user's domain) the level above may give this hyperparameter; after every upper-level
    /// update a smaller value is raised to it and the hit is counted (<see cref="TowerLevel.GetBoundHits"/>).
    /// <see cref="double.NaN"/> (the default) means no lower bound, as in the paper.
    /// </summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>
    /// The largest value (in the user's domain) the level above may give this hyperparameter; a larger value is
    /// lowered to it and the hit is counted. <see cref="double.NaN"/> (the default) means no upper bound.
    /// </summary>
    public double Max { get; set; } = double.NaN;
}

/// <summary>Gives the initial value of a per-weight state variable (0 when absent).</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
#if HYPERGEN_GENERATOR
internal
#else
public
#endif
sealed class StateAttribute : Attribute
{
    /// <summary>The value every element of this state starts from.</summary>
    public double Init { get; set; }
}

/// <summary>Marks the <c>int</c> parameter that receives the 1-based index of the current step.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
#if HYPERGEN_GENERATOR
internal
#else
public
#endif
sealed class StepIndexAttribute : Attribute
{
}
