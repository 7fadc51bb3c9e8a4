using System;

namespace HyperGen.Training.Gpu;

/// <summary>
/// Every level's hyperparameters at one step of a GPU run, read back from the device log: raw values packed level 1
/// first (as <c>GpuTower.CopyRawHyperparameters</c> writes them), shown in the user's domain. One instance is refilled
/// for each step a trainer reports, so reporting allocates nothing; copy values out to keep them.
/// </summary>
public sealed class TowerHyperparameters
{
    private readonly int[] _levelStart;
    private readonly double[] _raw;

    /// <summary>An empty snapshot with room for every hyperparameter of <paramref name="spec"/>.</summary>
    public TowerHyperparameters(TowerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _levelStart = new int[spec.Depth + 1];
        for (int level = 0; level < spec.Depth; level++)
        {
            _levelStart[level + 1] = _levelStart[level] + spec.Levels[level].Definition.HyperParameters.Count;
        }

        _raw = new double[_levelStart[^1]];
    }

    /// <summary>The tower the values belong to.</summary>
    public TowerSpec Spec { get; }

    /// <summary>How many hyperparameters all levels have together.</summary>
    public int Count => _raw.Length;

    /// <summary>Hyperparameter <paramref name="index"/> of level <paramref name="level"/> (1-based: 1 trains the weights), in the user's domain.</summary>
    public double GetValue(int level, int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, Spec.Depth);
        var hypers = Spec.Levels[level - 1].Definition.HyperParameters;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, hypers.Count);
        return HyperDomains.FromRaw(hypers[index].Domain, _raw[_levelStart[level - 1] + index]);
    }

    /// <summary>Sets every raw value, packed level 1 first, each level's in declaration order.</summary>
    public void SetRaw(ReadOnlySpan<float> raw)
    {
        if (raw.Length != _raw.Length)
        {
            throw new ArgumentException($"The tower has {_raw.Length} hyperparameters, got {raw.Length} values.", nameof(raw));
        }

        for (int i = 0; i < raw.Length; i++)
        {
            _raw[i] = raw[i];
        }
    }
}
