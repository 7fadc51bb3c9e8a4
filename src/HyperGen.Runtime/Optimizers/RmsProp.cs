using System;
using HyperGen;

namespace HyperGen.Optimizers;

/// <summary>
/// RMSProp, learning the step size alpha (as its square root, so it stays non-negative) and the decay gamma.
/// </summary>
public static partial class RmsProp
{
    /// <summary>One RMSProp step for one weight.</summary>
    /// <param name="w">The weight.</param>
    /// <param name="g">The loss gradient at the weight.</param>
    /// <param name="s">The running average of squared gradients.</param>
    /// <param name="alpha">The step size, >= 0.</param>
    /// <param name="gamma">The decay of the running average, in (0, 1).</param>
    [HyperOptimize]
    public static void Step(
        ref float w, float g, ref float s,
        [Hyper(0.01, Domain = HyperDomain.Squared)] float alpha,
        [Hyper(0.99, Domain = HyperDomain.UnitInterval)] float gamma)
    {
        s = gamma * s + (1 - gamma) * g * g;
        w -= alpha * g / MathF.Sqrt(s + 1e-8f);
    }
}
