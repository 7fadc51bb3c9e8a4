using System;
using System.Globalization;

namespace HyperGen;

/// <summary>
/// Optional bounds on one hyperparameter, in the user's domain: after every update by the level above, a value below
/// <see cref="Min"/> is raised to it and a value above <see cref="Max"/> is lowered to it. <see cref="double.NaN"/>
/// on either side means that side is open; <see cref="None"/> (the paper's behaviour) never changes a value.
/// </summary>
/// <param name="Min">The smallest allowed value, or <see cref="double.NaN"/> for none.</param>
/// <param name="Max">The largest allowed value, or <see cref="double.NaN"/> for none.</param>
public readonly record struct HyperBound(double Min, double Max)
{
    /// <summary>No bounds on either side.</summary>
    public static HyperBound None => new(double.NaN, double.NaN);

    /// <summary>Whether there is a lower bound.</summary>
    public bool HasMin => !double.IsNaN(Min);

    /// <summary>Whether there is an upper bound.</summary>
    public bool HasMax => !double.IsNaN(Max);

    /// <summary>Whether neither side is bounded.</summary>
    public bool IsNone => !HasMin && !HasMax;

    /// <summary>Whether <paramref name="value"/> satisfies both bounds.</summary>
    public bool Contains(double value) => (!HasMin || value >= Min) && (!HasMax || value <= Max);

    /// <summary>
    /// Why these bounds cannot be used with a hyperparameter starting at <paramref name="initial"/>, or
    /// <see langword="null"/> when they can.
    /// </summary>
    public string? Validate(double initial)
    {
        if (HasMin && HasMax && Min > Max)
        {
            return $"the lower bound {Format(Min)} is above the upper bound {Format(Max)}";
        }

        if (!Contains(initial))
        {
            return $"the initial value {Format(initial)} is outside the bounds {this}";
        }

        return null;
    }

    /// <summary>The textual form used in tower specs, for example <c>[0, 0.1]</c> or <c>[-inf, 0.1]</c>.</summary>
    public override string ToString() =>
        $"[{(HasMin ? Format(Min) : "-inf")}, {(HasMax ? Format(Max) : "inf")}]";

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
