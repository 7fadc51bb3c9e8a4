using System;
using HyperGen;

namespace QuickStart;

/// <summary>RMSProp with Nesterov momentum and bias correction; tunes alpha, mu and gamma while it trains.</summary>
public static partial class NesterovRms
{
    /// <summary>One step for one weight. HyperGen derives the hypergradient code for the whole tower from it.</summary>
    [HyperOptimize(Depth = 3, Above = typeof(HyperGen.Optimizers.Adam))]
    public static void Step(
        ref float w, float g,
        ref float buf, [State(Init = 1e-8)] ref float s,
        [Hyper(0.01)] float alpha,
        [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float mu,
        [Hyper(0.99, Domain = HyperDomain.UnitInterval)] float gamma,
        [StepIndex] int t)
    {
        s = gamma * s + (1 - gamma) * g * g;
        float d = g / MathF.Sqrt(s / (1 - MathF.Pow(gamma, t)) + 1e-8f);
        buf = mu * buf + d;
        w -= alpha * (d + mu * buf);
    }
}
