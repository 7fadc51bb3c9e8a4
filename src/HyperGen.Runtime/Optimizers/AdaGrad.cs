using System;
using HyperGen;

namespace HyperGen.Optimizers;

/// <summary>AdaGrad: the squared gradients accumulate from 0.1 and scale each weight's step.</summary>
public static partial class AdaGrad
{
    /// <summary>One AdaGrad step for one weight.</summary>
    /// <param name="w">The weight.</param>
    /// <param name="g">The loss gradient at the weight.</param>
    /// <param name="sum">The running sum of squared gradients.</param>
    /// <param name="alpha">The step size.</param>
    [HyperOptimize]
    public static void Step(
        ref float w, float g, [State(Init = 0.1)] ref float sum,
        [Hyper(0.01)] float alpha)
    {
        sum += g * g;
        w -= alpha * g / MathF.Sqrt(sum + 1e-10f);
    }
}
