using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Tests.Reference;

/// <summary>How a hyperparameter's user value relates to the raw value that is actually learned.</summary>
public enum ReferenceDomain
{
    /// <summary>user = raw.</summary>
    Real,

    /// <summary>user = (tanh(raw) + 1) / 2, in (0, 1); raw = atanh(2 user - 1).</summary>
    UnitInterval,

    /// <summary>user = raw * raw; raw = sqrt(user).</summary>
    Squared,
}

/// <summary>A learned hyperparameter: name, default user value, domain.</summary>
public sealed record ReferenceHyper(string Name, double Default, ReferenceDomain Domain = ReferenceDomain.Real);

/// <summary>A per-parameter state slot and its initial value.</summary>
public sealed record ReferenceState(string Name, double Init = 0.0);

/// <summary>Conversions between the user domain and the raw (learned) domain.</summary>
public static class ReferenceDomains
{
    public static Var ToUser(Var raw, ReferenceDomain domain) => domain switch
    {
        ReferenceDomain.Real => raw,
        ReferenceDomain.UnitInterval => (Var.Tanh(raw) + 1.0) / 2.0,
        ReferenceDomain.Squared => raw * raw,
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    public static double ToUser(double raw, ReferenceDomain domain) => ToUser(new Var(raw), domain).Value;

    public static double ToRaw(double user, ReferenceDomain domain) => domain switch
    {
        ReferenceDomain.Real => user,
        ReferenceDomain.UnitInterval => Math.Atanh(2.0 * user - 1.0),
        ReferenceDomain.Squared => Math.Sqrt(user),
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    /// <summary>Whether a user value can be represented in the domain (finite, and inside it).</summary>
    public static bool IsValid(double user, ReferenceDomain domain) => double.IsFinite(user) && domain switch
    {
        ReferenceDomain.Real => true,
        ReferenceDomain.UnitInterval => user > 0.0 && user < 1.0,
        ReferenceDomain.Squared => user >= 0.0,
        _ => false,
    };
}

/// <summary>The inputs of one elementwise optimizer step, as the paper's code sees them.</summary>
public sealed class ReferenceStepArgs
{
    public ReferenceStepArgs(
        Var w,
        double g,
        int t,
        IReadOnlyDictionary<string, Var> hypers,
        IReadOnlyDictionary<string, double> initialHypers,
        Dictionary<string, Var> state)
    {
        W = w;
        G = g;
        T = t;
        H = hypers;
        InitialH = initialHypers;
        State = state;
    }

    /// <summary>The parameter before the step: a detached constant.</summary>
    public Var W { get; }

    /// <summary>Its gradient: a constant.</summary>
    public double G { get; }

    /// <summary>This level's 1-based step counter.</summary>
    public int T { get; }

    /// <summary>Hyperparameters in the user domain (beta, not its raw value); they carry derivatives.</summary>
    public IReadOnlyDictionary<string, Var> H { get; }

    /// <summary>The user values the level was created with (for the paper's <c>if self.mu != 0.0</c> rule).</summary>
    public IReadOnlyDictionary<string, double> InitialH { get; }

    /// <summary>In: the previous state as detached constants. Out: the step assigns the new state here.</summary>
    public Dictionary<string, Var> State { get; }
}

/// <summary>
/// An elementwise optimizer written on the <see cref="Var"/> tape. Subclass it to hand-write custom optimizers
/// for the reference tower (pass instances to <see cref="ReferenceTower.Run"/> via <c>extraOptimizers</c>).
/// </summary>
public abstract class ReferenceOptimizer
{
    /// <summary>The learned hyperparameters, in a fixed order.</summary>
    public abstract IReadOnlyList<ReferenceHyper> Hypers { get; }

    /// <summary>The per-parameter state slots.</summary>
    public virtual IReadOnlyList<ReferenceState> States => [];

    /// <summary>One step for one parameter: assigns the new state into <c>args.State</c> and returns the new parameter.</summary>
    public abstract Var Step(ReferenceStepArgs args);

    /// <summary>
    /// Plain-double convenience: one step with user-domain hyperparameters and no derivatives.
    /// <paramref name="state"/> is read and overwritten with the new state. Initial hyperparameters default
    /// to <paramref name="userHypers"/>.
    /// </summary>
    public double StepValue(
        double w,
        double g,
        int t,
        IReadOnlyDictionary<string, double> userHypers,
        IDictionary<string, double> state,
        IReadOnlyDictionary<string, double>? initialHypers = null)
    {
        ArgumentNullException.ThrowIfNull(userHypers);
        ArgumentNullException.ThrowIfNull(state);
        var h = Hypers.ToDictionary(p => p.Name, p => new Var(userHypers[p.Name]));
        var init = initialHypers ?? userHypers;
        var s = States.ToDictionary(p => p.Name, p => new Var(state[p.Name]));
        var result = Step(new ReferenceStepArgs(new Var(w), g, t, h, init, s));
        foreach (var slot in States)
        {
            state[slot.Name] = s[slot.Name].Value;
        }

        return result.Value;
    }
}
