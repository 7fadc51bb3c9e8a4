using System;
using HyperGen;

namespace HyperGen.Optimizers;

/// <summary>RMSProp that learns only its step size; gamma = 0.99 is fixed (the paper's RMSProp^alpha).</summary>
public static partial class RmsPropAlpha
{
    /// <summary>One RMSProp step for one weight, with a fixed decay.</summary>
    /// <param name="w">The weight.</param>
    /// <param name="g">The loss gradient at the weight.</param>
    /// <param name="s">The running average of squared gradients.</param>
    /// <param name="alpha">The step size, >= 0.</param>
    [HyperOptimize]
    public static void Step(
        ref float w, float g, ref float s,
        [Hyper(0.01, Domain = HyperDomain.Squared)] float alpha)
    {
        s = 0.99f * s + (1 - 0.99f) * g * g;
        w -= alpha * g / MathF.Sqrt(s + 1e-8f);
    }
}
