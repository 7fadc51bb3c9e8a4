using System;
using HyperGen;

namespace HyperGen.Optimizers;

/// <summary>
/// Adam (Kingma and Ba) with bias correction, learning alpha, beta1 and beta2. As in the paper's code, v starts at
/// eps so that the square root is differentiable at the first step.
/// </summary>
public static partial class Adam
{
    /// <summary>One Adam step for one weight.</summary>
    /// <param name="w">The weight.</param>
    /// <param name="g">The loss gradient at the weight.</param>
    /// <param name="m">The first-moment estimate.</param>
    /// <param name="v">The second-moment estimate.</param>
    /// <param name="alpha">The step size.</param>
    /// <param name="beta1">The first-moment decay, in (0, 1).</param>
    /// <param name="beta2">The second-moment decay, in (0, 1).</param>
    /// <param name="t">The 1-based step index.</param>
    [HyperOptimize]
    public static void Step(
        ref float w, float g, ref float m, [State(Init = 1e-8)] ref float v,
        [Hyper(1e-3)] float alpha,
        [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float beta1,
        [Hyper(0.999, Domain = HyperDomain.UnitInterval)] float beta2,
        [StepIndex] int t)
    {
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;

        // w -= alpha * mHat / (sqrt(vHat) + eps), with mHat = m / (1 - beta1^t) and vHat = v / (1 - beta2^t), written
        // so that the bias corrections are per-step scalars: one division and one square root per weight.
        float stepSize = alpha / (1 - MathF.Pow(beta1, t));
        float rootCorrection = 1 / MathF.Sqrt(1 - MathF.Pow(beta2, t));
        w -= stepSize * m / (MathF.Sqrt(v) * rootCorrection + 1e-8f);
    }
}
