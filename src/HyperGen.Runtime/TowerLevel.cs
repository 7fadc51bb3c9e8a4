using System;
using System.Collections.Generic;

namespace HyperGen;

/// <summary>
/// One level of a running tower: its optimizer, its hyperparameters (read in the user's domain) and its step count.
/// </summary>
public sealed class TowerLevel
{
    private readonly ILevelState _state;
    private readonly LevelSpec _spec;
    private readonly HyperBounds _bounds;

    private readonly bool _isTop;

    internal TowerLevel(int index, ILevelState state, HyperBounds bounds, LevelSpec spec, bool isTop)
    {
        Index = index;
        _isTop = isTop;
        Definition = state.Definition;
        _state = state;
        _bounds = bounds;
        _spec = spec;
    }

    /// <summary>The 1-based level: 1 trains the weights, k + 1 trains level k's hyperparameters.</summary>
    public int Index { get; }

    /// <summary>The optimizer of this level.</summary>
    public OptimizerDefinition Definition { get; }

    /// <summary>How many steps this level has taken.</summary>
    public int StepCount => _state.StepCount;

    /// <summary>The current value of the named hyperparameter, in the user's domain.</summary>
    /// <exception cref="KeyNotFoundException">The optimizer has no such hyperparameter.</exception>
    public double this[string name]
    {
        get
        {
            int index = Definition.IndexOfHyperParameter(name);
            if (index < 0)
            {
                throw new KeyNotFoundException(
                    $"{Definition.Name} has no hyperparameter '{name}' (it has: {LevelSpec.DescribeNames(Definition)}).");
            }

            return GetValue(index);
        }
    }

    /// <summary>The current value of hyperparameter <paramref name="index"/>, in the user's domain.</summary>
    public double GetValue(int index) =>
        HyperDomains.FromRaw(Definition.HyperParameters[index].Domain, GetRawValue(index));

    /// <summary>The current raw value that the level above learns (equal to the value in the Real domain).</summary>
    public double GetRawValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Definition.HyperParameters.Count);
        return _state.GetRaw(index);
    }

    /// <summary>
    /// Sets hyperparameter <paramref name="index"/> of the top level, which no level learns, for the steps that
    /// follow: a schedule, such as a decaying step size, for a tower (a plain optimizer at Depth 1) whose top level
    /// would otherwise keep its initial values. Call it between steps.
    /// </summary>
    /// <param name="index">The hyperparameter, in declaration order.</param>
    /// <param name="value">The value in the user's domain, within the hyperparameter's bounds.</param>
    /// <exception cref="InvalidOperationException">This is not the top level: its hyperparameters are the level above's to change.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such hyperparameter, or <paramref name="value"/> is outside its domain or bounds.</exception>
    public void SetValue(int index, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Definition.HyperParameters.Count);
        if (!_isTop)
        {
            throw new InvalidOperationException(
                $"Level {Index} is learned by the level above; only the top level's hyperparameters can be set.");
        }

        HyperParameterInfo info = Definition.HyperParameters[index];
        if (!HyperDomains.Contains(info.Domain, value))
        {
            throw new ArgumentOutOfRangeException(
                nameof(value), value, $"{Definition.Name}.{info.Name} must be {HyperDomains.Describe(info.Domain)}.");
        }

        if (!_spec.Bounds[index].Contains(value))
        {
            throw new ArgumentOutOfRangeException(
                nameof(value), value, $"{Definition.Name}.{info.Name} must stay within its bounds {_spec.Bounds[index]}.");
        }

        _state.SetRaw(index, HyperDomains.ToRaw(info.Domain, value));
    }

    /// <summary>Whether hyperparameter <paramref name="index"/> is learned by the level above (false on the top level).</summary>
    public bool IsHyperParameterLearned(int index) => _state.IsLearned(index);

    /// <summary>The level's bounds and their hit counts.</summary>
    internal HyperBounds Bounds => _bounds;

    /// <summary>The bounds of hyperparameter <paramref name="index"/> (<see cref="HyperBound.None"/> when unbounded).</summary>
    public HyperBound GetBound(int index) => _spec.Bounds[index];

    /// <summary>How many updates by the level above moved hyperparameter <paramref name="index"/> back to a bound.</summary>
    public long GetBoundHits(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Definition.HyperParameters.Count);
        return _bounds.GetHits(index);
    }

    /// <summary>How many times any hyperparameter of this level was moved back to a bound.</summary>
    public long BoundHitCount
    {
        get
        {
            long total = 0;
            for (int j = 0; j < Definition.HyperParameters.Count; j++)
            {
                total += _bounds.GetHits(j);
            }

            return total;
        }
    }

    /// <summary>All hyperparameters by name, in the user's domain, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> GetValues()
    {
        var values = new KeyValuePair<string, double>[Definition.HyperParameters.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = new(Definition.HyperParameters[i].Name, GetValue(i));
        }

        return values;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var (name, value) in GetValues())
        {
            parts.Add($"{name}={value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return $"{Definition.Name.ToLowerInvariant()}({string.Join(", ", parts)})";
    }
}

/// <summary>What a <see cref="TowerLevel"/> reads from the level it describes, whatever the precision.</summary>
internal interface ILevelState
{
    OptimizerDefinition Definition { get; }

    int StepCount { get; }

    double GetRaw(int index);

    /// <summary>Sets a raw hyperparameter, rounded to the level's precision.</summary>
    void SetRaw(int index, double raw);

    bool IsLearned(int index);
}
