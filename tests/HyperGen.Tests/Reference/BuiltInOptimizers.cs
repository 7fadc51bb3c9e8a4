using System.Collections.Generic;

namespace HyperGen.Tests.Reference;

/// <summary>
/// SGD, as in the paper's <c>SGD</c>: when mu is nonzero initially, <c>buf = mu * buf + g</c> (buf starts at 0)
/// and <c>w -= alpha * buf</c>; when mu is exactly 0 initially there is no momentum and mu is never used, so its
/// hypergradient is 0 and it stays 0. Hyperparameters alpha = 0.01, mu = 0 (both Real).
/// </summary>
public sealed class ReferenceSgd : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } =
        [new("alpha", 0.01), new("mu", 0.0)];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("buf")];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        Var alpha = args.H["alpha"];
        if (args.InitialH["mu"] != 0.0)
        {
            Var buf = args.H["mu"] * args.State["buf"] + args.G;
            args.State["buf"] = buf;
            return args.W - alpha * buf;
        }

        return args.W - alpha * args.G;
    }
}

/// <summary>
/// Adam, as in the paper's <c>Adam</c>: eps = 1e-8, m starts at 0, v starts at eps;
/// <c>m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; mhat = m/(1-b1^t); vhat = v/(1-b2^t);
/// w -= alpha * (mhat / (sqrt(vhat) + eps))</c>. Hyperparameters alpha = 1e-3 (Real),
/// beta1 = 0.9, beta2 = 0.999 (UnitInterval).
/// </summary>
public sealed class ReferenceAdam : ReferenceOptimizer
{
    internal const double Eps = 1e-8;

    public override IReadOnlyList<ReferenceHyper> Hypers { get; } =
    [
        new("alpha", 1e-3),
        new("beta1", 0.9, ReferenceDomain.UnitInterval),
        new("beta2", 0.999, ReferenceDomain.UnitInterval),
    ];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("m"), new("v", Eps)];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        return AdamStep(args, args.H["alpha"], args.H["beta1"], args.H["beta2"]);
    }

    internal static Var AdamStep(ReferenceStepArgs args, Var alpha, Var beta1, Var beta2)
    {
        double g = args.G;
        Var m = beta1 * args.State["m"] + (1.0 - beta1) * g;
        Var v = beta2 * args.State["v"] + (1.0 - beta2) * g * g;
        args.State["m"] = m;
        args.State["v"] = v;
        Var mHat = m / (1.0 - Var.Pow(beta1, args.T));
        Var vHat = v / (1.0 - Var.Pow(beta2, args.T));
        Var dParam = mHat / (Var.Sqrt(vHat) + Eps);
        return args.W - alpha * dParam;
    }
}

/// <summary>
/// Adam where only alpha (default 1e-3) is learned; beta1 = 0.9 and beta2 = 0.999 are fixed constants
/// (the paper's <c>AdamBaydin</c>, "Adam^alpha").
/// </summary>
public sealed class ReferenceAdamAlpha : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } = [new("alpha", 1e-3)];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("m"), new("v", ReferenceAdam.Eps)];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        return ReferenceAdam.AdamStep(args, args.H["alpha"], 0.9, 0.999);
    }
}

/// <summary>
/// AdaGrad, as in the paper's <c>AdaGrad</c>: G starts at 0.1; <c>G += g*g; w -= alpha*g/sqrt(G+1e-10)</c>.
/// Hyperparameter alpha = 0.01 (Real).
/// </summary>
public sealed class ReferenceAdaGrad : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } = [new("alpha", 0.01)];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("G", 0.1)];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        double g = args.G;
        Var bigG = args.State["G"] + g * g;
        args.State["G"] = bigG;
        return args.W - args.H["alpha"] * g / Var.Sqrt(bigG + 1e-10);
    }
}

/// <summary>
/// RMSProp, as in the paper's <c>RMSProp</c>: s starts at 0; <c>s = gamma*s + (1-gamma)*g*g;
/// w -= alpha*g/sqrt(s+1e-8)</c>. Hyperparameters alpha = 0.01 (Squared: learned as its square root),
/// gamma = 0.99 (UnitInterval).
/// </summary>
public sealed class ReferenceRmsProp : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } =
    [
        new("alpha", 0.01, ReferenceDomain.Squared),
        new("gamma", 0.99, ReferenceDomain.UnitInterval),
    ];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("s")];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        return RmsStep(args, args.H["alpha"], args.H["gamma"]);
    }

    internal static Var RmsStep(ReferenceStepArgs args, Var alpha, Var gamma)
    {
        double g = args.G;
        Var s = gamma * args.State["s"] + (1.0 - gamma) * g * g;
        args.State["s"] = s;
        return args.W - alpha * g / Var.Sqrt(s + 1e-8);
    }
}

/// <summary>RMSProp where only alpha (default 0.01, Squared) is learned; gamma = 0.99 is a fixed constant.</summary>
public sealed class ReferenceRmsPropAlpha : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } =
        [new("alpha", 0.01, ReferenceDomain.Squared)];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("s")];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        return ReferenceRmsProp.RmsStep(args, args.H["alpha"], 0.99);
    }
}
