using System.ComponentModel;

namespace HyperGen;

/// <summary>
/// A run of a tower's values as <see cref="TowerRules"/> reads them, widened to double: a slice of an array in
/// <see cref="Tower{T}"/>, of a device view in the GPU tower. A struct, so the rules compile to direct loads on
/// both devices (ILGPU compiles the constrained call like any other).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ITowerValues
{
    /// <summary>The value at <paramref name="index"/> of the run, widened to double.</summary>
    /// <param name="index">The index in the run, from 0.</param>
    double this[int index] { get; }
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
