using System;
using System.Numerics;

namespace HyperGen;

/// <summary>
/// A copy of everything scalar that a step changes before it updates the weights: every level's raw hyperparameters,
/// hypergradients and step counter, and the state and partials of levels 2 and up (a few values each). A step that
/// meets a non-finite value restores it, so it changes nothing; level 1's per-weight buffers need no copy because
/// they are written last, after every check has passed.
/// </summary>
internal sealed class TowerSnapshot<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly LevelState<T>[] _levels;
    private readonly T[][] _raw;
    private readonly T[][] _hypergradients;
    private readonly T[][] _states;
    private readonly T[][] _partials;
    private readonly int[] _stepCounts;

    public TowerSnapshot(LevelState<T>[] levels)
    {
        _levels = levels;
        _raw = new T[levels.Length][];
        _hypergradients = new T[levels.Length][];
        _states = new T[levels.Length][];
        _partials = new T[levels.Length][];
        _stepCounts = new int[levels.Length];
        for (int level = 0; level < levels.Length; level++)
        {
            _raw[level] = new T[levels[level].Raw.Length];
            _hypergradients[level] = new T[levels[level].Hypergradient.Length];
            _states[level] = level == 0 ? [] : new T[levels[level].State.Length];
            _partials[level] = level == 0 ? [] : new T[levels[level].Partials.Length];
        }
    }

    public void Save()
    {
        for (int level = 0; level < _levels.Length; level++)
        {
            LevelState<T> state = _levels[level];
            state.Raw.CopyTo(_raw[level], 0);
            state.Hypergradient.CopyTo(_hypergradients[level], 0);
            _stepCounts[level] = state.StepCount;
            if (level > 0)
            {
                state.State.CopyTo(_states[level]);
                state.Partials.CopyTo(_partials[level]);
            }
        }
    }

    public void Restore()
    {
        for (int level = 0; level < _levels.Length; level++)
        {
            LevelState<T> state = _levels[level];
            _raw[level].CopyTo(state.Raw, 0);
            _hypergradients[level].CopyTo(state.Hypergradient, 0);
            state.StepCount = _stepCounts[level];
            if (level > 0)
            {
                _states[level].AsSpan().CopyTo(state.State);
                _partials[level].AsSpan().CopyTo(state.Partials);
            }
        }
    }
}
