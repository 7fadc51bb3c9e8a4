using System;
using HyperGen;

namespace HyperGen.Optimizers;

/// <summary>Adam that learns only its step size; beta1 = 0.9 and beta2 = 0.999 are fixed (the paper's Adam^alpha).</summary>
public static partial class AdamAlpha
{
    /// <summary>One Adam step for one weight, with fixed betas.</summary>
    /// <param name="w">The weight.</param>
    /// <param name="g">The loss gradient at the weight.</param>
    /// <param name="m">The first-moment estimate.</param>
    /// <param name="v">The second-moment estimate.</param>
    /// <param name="alpha">The step size.</param>
    /// <param name="t">The 1-based step index.</param>
    [HyperOptimize]
    public static void Step(
        ref float w, float g, ref float m, [State(Init = 1e-8)] ref float v,
        [Hyper(1e-3)] float alpha,
        [StepIndex] int t)
    {
        m = 0.9f * m + (1 - 0.9f) * g;
        v = 0.999f * v + (1 - 0.999f) * g * g;

        // alpha * mHat / (sqrt(vHat) + eps) with the bias corrections as per-step scalars, as in Adam.
        float stepSize = alpha / (1 - MathF.Pow(0.9f, t));
        float rootCorrection = 1 / MathF.Sqrt(1 - MathF.Pow(0.999f, t));
        w -= stepSize * m / (MathF.Sqrt(v) * rootCorrection + 1e-8f);
    }
}
