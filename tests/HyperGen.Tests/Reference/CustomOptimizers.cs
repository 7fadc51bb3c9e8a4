using System.Collections.Generic;

namespace HyperGen.Tests.Reference;

/// <summary>
/// SGD whose step is clipped to [-clip, clip] with <c>?:</c> (derivatives flow through the taken branch only):
/// <code>
/// u = alpha * g;
/// v = u > clip ? clip : u;
/// w -= v &lt; -clip ? -clip : v;
/// </code>
/// Hyperparameters: alpha = 0.01 (Real), clip = 0.1 (Real). No state. The same optimizer for the generator:
/// <code>
/// [HyperOptimize]
/// public static void Step(ref float w, float g, [Hyper(0.01f)] float alpha, [Hyper(0.1f)] float clip)
/// {
///     float u = alpha * g;
///     float v = u > clip ? clip : u;
///     w -= v &lt; -clip ? -clip : v;
/// }
/// </code>
/// When the step is clipped, alpha's hypergradient is 0 and clip's is -g_next (resp. +g_next); otherwise
/// clip's is 0.
/// </summary>
public sealed class ReferenceClippedSgd : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } = [new("alpha", 0.01), new("clip", 0.1)];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        Var clip = args.H["clip"];
        Var u = args.H["alpha"] * args.G;
        Var v = u > clip ? clip : u;
        return args.W - (v < -clip ? -clip : v);
    }
}

/// <summary>
/// AdaMax (Adam with an infinity-norm second moment), using Max and Abs:
/// <code>
/// m = beta1 * m + (1 - beta1) * g;                  // m starts at 0
/// u = Max(beta2 * u, Abs(g));                       // u starts at 0; Max(x, y) = x >= y ? x : y
/// w -= alpha * (m / (1 - beta1^t)) / (u + 1e-8);
/// </code>
/// Hyperparameters: alpha = 0.002 (Real), beta1 = 0.9, beta2 = 0.999 (UnitInterval). For the generator:
/// <code>
/// [HyperOptimize]
/// public static void Step(ref float w, float g, ref float m, ref float u,
///     [Hyper(0.002f)] float alpha,
///     [Hyper(0.9f, Domain = HyperDomain.UnitInterval)] float beta1,
///     [Hyper(0.999f, Domain = HyperDomain.UnitInterval)] float beta2,
///     [StepIndex] int t)
/// {
///     m = beta1 * m + (1 - beta1) * g;
///     u = MathF.Max(beta2 * u, MathF.Abs(g));
///     w -= alpha * (m / (1 - MathF.Pow(beta1, t))) / (u + 1e-8f);
/// }
/// </code>
/// beta2 gets a nonzero hypergradient only from parameters where <c>beta2 * u >= |g|</c>.
/// </summary>
public sealed class ReferenceAdaMax : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } =
    [
        new("alpha", 0.002),
        new("beta1", 0.9, ReferenceDomain.UnitInterval),
        new("beta2", 0.999, ReferenceDomain.UnitInterval),
    ];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("m"), new("u")];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        double g = args.G;
        Var beta1 = args.H["beta1"];
        Var m = beta1 * args.State["m"] + (1.0 - beta1) * g;
        Var u = Var.Max(args.H["beta2"] * args.State["u"], Var.Abs(g));
        args.State["m"] = m;
        args.State["u"] = u;
        return args.W - args.H["alpha"] * (m / (1.0 - Var.Pow(beta1, args.T))) / (u + 1e-8);
    }
}
