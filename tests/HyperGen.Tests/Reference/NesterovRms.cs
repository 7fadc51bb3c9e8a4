using System.Collections.Generic;

namespace HyperGen.Tests.Reference;

/// <summary>
/// The NesterovRms example of README.md and docs/defining-optimizers.md, on the reference tape:
/// <code>
/// s   = gamma * s + (1 - gamma) * g * g;            // s starts at 1e-8
/// d   = g / sqrt(s / (1 - gamma^t) + 1e-8);
/// buf = mu * buf + d;                               // buf starts at 0
/// w  -= alpha * (d + mu * buf);
/// </code>
/// Hyperparameters: alpha = 0.01 (Real), mu = 0.9 (UnitInterval), gamma = 0.99 (UnitInterval); t is the
/// level's 1-based step counter.
/// </summary>
public sealed class ReferenceNesterovRms : ReferenceOptimizer
{
    public override IReadOnlyList<ReferenceHyper> Hypers { get; } =
    [
        new("alpha", 0.01),
        new("mu", 0.9, ReferenceDomain.UnitInterval),
        new("gamma", 0.99, ReferenceDomain.UnitInterval),
    ];

    public override IReadOnlyList<ReferenceState> States { get; } = [new("buf"), new("s", 1e-8)];

    public override Var Step(ReferenceStepArgs args)
    {
        System.ArgumentNullException.ThrowIfNull(args);
        double g = args.G;
        Var alpha = args.H["alpha"];
        Var mu = args.H["mu"];
        Var gamma = args.H["gamma"];
        Var s = gamma * args.State["s"] + (1.0 - gamma) * g * g;
        Var d = g / Var.Sqrt(s / (1.0 - Var.Pow(gamma, args.T)) + 1e-8);
        Var buf = mu * args.State["buf"] + d;
        args.State["s"] = s;
        args.State["buf"] = buf;
        return args.W - alpha * (d + mu * buf);
    }
}
