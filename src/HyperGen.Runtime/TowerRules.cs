using System;
using System.ComponentModel;

namespace HyperGen;

/// <summary>
/// The rules a tower applies to each hyperparameter after the level above updated it, written once for both
/// devices: <see cref="Tower{T}"/> calls them, and ILGPU compiles the same methods into the GPU tower's kernels and
/// the generated dispatcher. So they are plain static methods over scalars: no allocation, no exceptions, no generic
/// math, nothing ILGPU cannot compile.
/// </summary>
/// <remarks>
/// Values arrive as doubles whatever the tower's precision: a float widens exactly, and a bound that was rounded
/// to the tower's precision first (as both towers do) makes every comparison and every clamped value exactly what
/// the comparison in that precision gives, so a bound that the precision cannot represent counts a hit once, not
/// on every step.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TowerRules
{
    /// <summary>
    /// Clamps one raw hyperparameter to its bounds in the raw domain. With <paramref name="onMagnitude"/> (the
    /// squared domain, h = r * r) the bounds apply to |r| and the sign of r is kept, -0 counting as negative.
    /// </summary>
    /// <param name="value">The raw value the level above just wrote.</param>
    /// <param name="low">The lowest allowed raw value (or magnitude); negative infinity where there is none.</param>
    /// <param name="high">The highest allowed raw value (or magnitude); positive infinity where there is none.</param>
    /// <param name="onMagnitude">Whether the bounds apply to the magnitude.</param>
    /// <returns>The value to keep, and whether it was moved to a bound (a hit); a NaN is never moved.</returns>
    public static BoundedValue Clamp(double value, double low, double high, bool onMagnitude)
    {
        // The sign bit, not value < 0: -0 is negative here, as IsNegative has it on the CPU.
        double sign = onMagnitude && BitConverter.DoubleToInt64Bits(value) < 0 ? -1 : 1;
        double magnitude = sign * value;
        if (magnitude < low)
        {
            return new BoundedValue(sign * low, true);
        }

        if (magnitude > high)
        {
            return new BoundedValue(sign * high, true);
        }

        return new BoundedValue(value, false);
    }

    /// <summary>
    /// The value a hyperparameter keeps after the level above updated it: the update where the level above learns
    /// it, else its initial value (a hyperparameter declared inactive at zero that starts at zero stays there).
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="updated">The raw value the level above wrote.</param>
    /// <param name="initial">The raw value it started from.</param>
    /// <param name="learned">Whether the level above learns it.</param>
    public static T Hold<T>(T updated, T initial, bool learned)
        where T : unmanaged => learned ? updated : initial;

    /// <summary>
    /// A level's hypergradient of one hyperparameter from its sum: the sum where the level above learns the
    /// hyperparameter, else zero, so a held hyperparameter's hypergradient never moves the levels above it.
    /// </summary>
    /// <param name="sum">The sum over the level's elements of the hypergradient below times the partial.</param>
    /// <param name="learned">Whether the level above learns the hyperparameter.</param>
    public static double Hypergradient(double sum, bool learned) => learned ? sum : 0;
}

/// <summary>A hyperparameter after <see cref="TowerRules.Clamp"/>: the value to keep, and whether a bound moved it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct BoundedValue
{
    /// <summary>Creates a result.</summary>
    /// <param name="value">The value to keep.</param>
    /// <param name="hit">Whether a bound moved it.</param>
    public BoundedValue(double value, bool hit)
    {
        Value = value;
        Hit = hit;
    }

    /// <summary>The value to keep.</summary>
    public double Value { get; }

    /// <summary>Whether a bound moved the value (the tower counts it).</summary>
    public bool Hit { get; }
}
