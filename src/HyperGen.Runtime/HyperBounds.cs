using System;
using System.Collections.Generic;
using System.Numerics;

namespace HyperGen;

/// <summary>
/// Applies one level's <see cref="HyperBound"/>s to its raw hyperparameters right after the level above updated
/// them, and counts how often each bound was hit. The bounds are converted once to the raw domain the level above
/// learns, so applying them is a comparison per hyperparameter and never a round trip through the user's domain.
/// </summary>
internal sealed class HyperBounds
{
    private readonly double[] _rawLow;
    private readonly double[] _rawHigh;
    private readonly bool[] _onMagnitude;
    private readonly long[] _hits;

    public HyperBounds(LevelSpec level)
    {
        IReadOnlyList<HyperParameterInfo> hypers = level.Definition.HyperParameters;
        _rawLow = new double[hypers.Count];
        _rawHigh = new double[hypers.Count];
        _onMagnitude = new bool[hypers.Count];
        _hits = new long[hypers.Count];
        for (int j = 0; j < hypers.Count; j++)
        {
            HyperBound bound = level.Bounds[j];
            HyperDomain domain = hypers[j].Domain;
            _rawLow[j] = bound.HasMin ? HyperDomains.ToRawBound(domain, bound.Min) : double.NegativeInfinity;
            _rawHigh[j] = bound.HasMax ? HyperDomains.ToRawBound(domain, bound.Max) : double.PositiveInfinity;

            // h = r * r: a bound on h is a bound on |r|, and the sign of r is kept.
            _onMagnitude[j] = domain == HyperDomain.Squared;
            IsActive |= !bound.IsNone;
        }
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
            // Compare in T, so a bound that is not exactly representable counts a hit once, not on every step.
            T low = T.CreateTruncating(_rawLow[j]);
            T high = T.CreateTruncating(_rawHigh[j]);
            T value = raw[j];
            T magnitude = _onMagnitude[j] ? T.Abs(value) : value;
            T sign = _onMagnitude[j] && T.IsNegative(value) ? T.NegativeOne : T.One;
            if (magnitude < low)
            {
                raw[j] = sign * low;
                _hits[j]++;
            }
            else if (magnitude > high)
            {
                raw[j] = sign * high;
                _hits[j]++;
            }
        }
    }
}
