using System.Numerics;

namespace HyperGen;

/// <summary>
/// Applies one level's <see cref="HyperBound"/>s to its raw hyperparameters right after the level above updated
/// them, and counts how often each bound was hit. The bounds come converted once to the raw domain the level above
/// learns (<see cref="LevelPlan.Bound"/>), so applying them is <see cref="TowerRules.Clamp"/> per hyperparameter, the
/// rule the GPU tower's kernels compile too, and never a round trip through the user's domain.
/// </summary>
internal sealed class HyperBounds
{
    private readonly RawBound[] _bounds;
    private readonly long[] _hits;

    public HyperBounds(LevelPlan level)
    {
        _bounds = new RawBound[level.HyperCount];
        for (int j = 0; j < _bounds.Length; j++)
        {
            _bounds[j] = level.Bound(j);
        }

        _hits = new long[_bounds.Length];
        IsActive = level.IsBounded;
    }

    /// <summary>The bounds of one level outside a tower (level 0 of a one-level plan), for tests that compare devices.</summary>
    public HyperBounds(LevelSpec level)
        : this(new TowerPlan(new TowerSpec([level]), [0], alignment: 1, maxElements: 0).Levels[0])
    {
    }

    /// <summary>Whether any hyperparameter of the level is bounded.</summary>
    public bool IsActive { get; }

    /// <summary>How many times hyperparameter <paramref name="index"/> was moved back to a bound.</summary>
    public long GetHits(int index) => _hits[index];

    /// <summary>Restores the hit counts saved in a checkpoint.</summary>
    public void SetHits(long[] hits) => hits.CopyTo(_hits, 0);

    /// <summary>Clamps the raw hyperparameters just updated by the level above and counts the hits.</summary>
    public void Apply<T>(T[] raw)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!IsActive)
        {
            return;
        }

        for (int j = 0; j < raw.Length; j++)
        {
            // The bounds rounded to T first, as the GPU tower stores them: see TowerRules on why that is exact.
            RawBound bound = _bounds[j];
            BoundedValue clamped = TowerRules.Clamp(
                double.CreateTruncating(raw[j]),
                double.CreateTruncating(T.CreateTruncating(bound.Low)),
                double.CreateTruncating(T.CreateTruncating(bound.High)),
                bound.OnMagnitude);
            if (clamped.Hit)
            {
                raw[j] = T.CreateTruncating(clamped.Value);
                _hits[j]++;
            }
        }
    }
}
