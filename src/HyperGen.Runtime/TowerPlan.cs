using System;
using System.Collections.Generic;

namespace HyperGen;

/// <summary>
/// The shape of a tower, computed once from its <see cref="TowerSpec"/> and its tensors, and read by both devices:
/// per level how many values it steps, the stride between its variables, its hyperparameters, state and partials
/// with their offsets in packed buffers, which hyperparameters the level above learns, and the bounds in the raw
/// domain. <see cref="Tower{T}"/> builds its per-level buffers from it (aligned for vector stores);
/// <c>GpuTower&lt;T&gt;</c> lays its packed device buffers out by it (no padding).
/// </summary>
/// <remarks>
/// Level L (0-based) steps <see cref="LevelPlan.Count"/> values: the weights at level 0, the hyperparameters of
/// level L - 1 above it. Its hyperparameters (raw values, learned flags, hypergradients, bound hits) start at
/// <see cref="LevelPlan.HyperAt"/> among all levels' hyperparameters; above level 0 its state and its partials
/// start at <see cref="LevelPlan.StateAt"/> and <see cref="LevelPlan.PartialAt"/> in the upper levels' packed state
/// and partials (level 0's are buffers of their own).
/// </remarks>
internal sealed class TowerPlan
{
    private readonly LevelPlan[] _levels;
    private readonly int[] _tensorSizes;
    private readonly int[] _tensorStarts;
    private readonly int[] _tensorOffsets;

    /// <summary>Plans a tower over <paramref name="tensorSizes"/>.</summary>
    /// <param name="spec">The levels, bottom first.</param>
    /// <param name="tensorSizes">The number of weights of each tensor.</param>
    /// <param name="alignment">
    /// Elements every tensor's and every variable's first element is aligned to: a cache line's worth on the CPU,
    /// whose streaming stores need aligned addresses; 1 on the GPU, whose buffers are packed.
    /// </param>
    /// <param name="maxElements">The most elements level 0's padded buffers may hold.</param>
    public TowerPlan(TowerSpec spec, ReadOnlySpan<int> tensorSizes, int alignment, long maxElements)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(alignment, 1);
        Spec = spec;
        _tensorSizes = tensorSizes.ToArray();
        _tensorStarts = new int[_tensorSizes.Length];
        _tensorOffsets = new int[_tensorSizes.Length];

        // Each tensor starts on an aligned element of level 0's buffers (alignment - 1 elements apart at most), so
        // that every tensor's chunks take the aligned streaming stores; the user's flat numbering of the parameters
        // (the tensor starts) has no gaps.
        long total = 0;
        long padded = 0;
        for (int i = 0; i < _tensorSizes.Length; i++)
        {
            if (_tensorSizes[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tensorSizes), $"Tensor {i} has a negative size, {_tensorSizes[i]}.");
            }

            _tensorStarts[i] = (int)total;
            _tensorOffsets[i] = (int)padded;
            total += _tensorSizes[i];
            padded += i == _tensorSizes.Length - 1 ? _tensorSizes[i] : RoundUp(_tensorSizes[i], alignment);
        }

        // After the loop, as before the padding: offsets past int's range are thrown away with the plan.
        if (padded > maxElements)
        {
            throw new ArgumentOutOfRangeException(nameof(tensorSizes), $"{total} parameters are more than one tower holds.");
        }

        ParameterCount = (int)total;
        _levels = new LevelPlan[spec.Depth];
        int hyperAt = 0;
        long stateAt = 0;
        long partialAt = 0;
        for (int level = 0; level < spec.Depth; level++)
        {
            int count = level == 0 ? (int)padded : _levels[level - 1].HyperCount;
            bool learned = level < spec.Depth - 1;
            var plan = new LevelPlan(level, spec.Levels[level], count, checked((int)RoundUp(count, alignment)), learned, hyperAt, level == 0 ? 0 : checked((int)stateAt), level > 0 && learned ? checked((int)partialAt) : 0);
            _levels[level] = plan;
            hyperAt += plan.HyperCount;
            if (level > 0)
            {
                stateAt += (long)plan.StateCount * plan.Stride;
                if (learned)
                {
                    partialAt += (long)plan.HyperCount * plan.Stride;
                }
            }
        }

        TotalHypers = hyperAt;
        TotalUpperState = checked((int)stateAt);
        TotalUpperPartials = checked((int)partialAt);
    }

    /// <summary>The specification the plan was made from.</summary>
    public TowerSpec Spec { get; }

    /// <summary>The number of levels.</summary>
    public int Depth => _levels.Length;

    /// <summary>The levels, bottom (weights) first.</summary>
    public IReadOnlyList<LevelPlan> Levels => _levels;

    /// <summary>The total number of weights over all tensors.</summary>
    public int ParameterCount { get; }

    /// <summary>The number of weights of each tensor.</summary>
    public IReadOnlyList<int> TensorSizes => _tensorSizes;

    /// <summary>Where each tensor starts in the user's flat numbering of the weights.</summary>
    public IReadOnlyList<int> TensorStarts => _tensorStarts;

    /// <summary>Where each tensor starts in level 0's buffers (aligned).</summary>
    public IReadOnlyList<int> TensorOffsets => _tensorOffsets;

    /// <summary>How many hyperparameters all levels have together.</summary>
    public int TotalHypers { get; }

    /// <summary>The length of the upper levels' packed state.</summary>
    public int TotalUpperState { get; }

    /// <summary>The length of the upper levels' packed partials (every learned level above level 0).</summary>
    public int TotalUpperPartials { get; }

    private static long RoundUp(long count, int alignment) => (count + alignment - 1) / alignment * alignment;
}

/// <summary>One level of a <see cref="TowerPlan"/>: its sizes, its offsets in the packed buffers, and its hyperparameters' rules.</summary>
internal sealed class LevelPlan
{
    private readonly bool[] _learned;
    private readonly double[] _initialRaw;
    private readonly RawBound[] _bounds;

    public LevelPlan(int index, LevelSpec spec, int count, int stride, bool learnedByLevelAbove, int hyperAt, int stateAt, int partialAt)
    {
        Index = index;
        Spec = spec;
        Count = count;
        Stride = stride;
        IsLearned = learnedByLevelAbove;
        HyperAt = hyperAt;
        StateAt = stateAt;
        PartialAt = partialAt;
        IReadOnlyList<HyperParameterInfo> hypers = spec.Definition.HyperParameters;
        _learned = new bool[hypers.Count];
        _initialRaw = new double[hypers.Count];
        _bounds = new RawBound[hypers.Count];
        for (int j = 0; j < hypers.Count; j++)
        {
            HyperParameterInfo info = hypers[j];
            double initial = spec.InitialValues[j];
            _initialRaw[j] = HyperDomains.ToRaw(info.Domain, initial);

            // A hyperparameter declared inactive at zero and starting there (momentum 0) is held, never learned.
            _learned[j] = learnedByLevelAbove && !(info.InactiveAtZero && initial == 0);
            HoldsSome |= learnedByLevelAbove && !_learned[j];
            _bounds[j] = RawBound.From(spec.Bounds[j], info.Domain);
            IsBounded |= !spec.Bounds[j].IsNone;
        }
    }

    /// <summary>The 0-based level.</summary>
    public int Index { get; }

    /// <summary>The level's optimizer, initial values and bounds.</summary>
    public LevelSpec Spec { get; }

    /// <summary>The level's optimizer.</summary>
    public OptimizerDefinition Definition => Spec.Definition;

    /// <summary>The values the level steps: the weights (with the padding between tensors) at level 0, the level below's hyperparameters above.</summary>
    public int Count { get; }

    /// <summary>Distance, in elements, from one state variable (or partial) of the level to the next: <see cref="Count"/>, aligned.</summary>
    public int Stride { get; }

    /// <summary>How many hyperparameters the level's optimizer has.</summary>
    public int HyperCount => _learned.Length;

    /// <summary>How many per-element state variables it has.</summary>
    public int StateCount => Definition.StateVariables.Count;

    /// <summary>Whether a level above learns this level's hyperparameters (every level but the top).</summary>
    public bool IsLearned { get; }

    /// <summary>Where the level's hyperparameters start among all levels' (raw values, flags, hypergradients, hits).</summary>
    public int HyperAt { get; }

    /// <summary>Where the level's state starts in the upper levels' packed state (0 at level 0, which has its own buffer).</summary>
    public int StateAt { get; }

    /// <summary>Where the level's partials start in the upper levels' packed partials (0 at level 0 and at the top, which records none).</summary>
    public int PartialAt { get; }

    /// <summary>Whether some hyperparameter of the level is held at its initial value rather than learned.</summary>
    public bool HoldsSome { get; }

    /// <summary>Whether some hyperparameter of the level is bounded.</summary>
    public bool IsBounded { get; }

    /// <summary>Whether the level above learns hyperparameter <paramref name="index"/> (false on the top level).</summary>
    public bool IsHyperLearned(int index) => _learned[index];

    /// <summary>The raw (learned) value hyperparameter <paramref name="index"/> starts from.</summary>
    public double InitialRaw(int index) => _initialRaw[index];

    /// <summary>Hyperparameter <paramref name="index"/>'s bounds in the raw domain.</summary>
    public RawBound Bound(int index) => _bounds[index];
}

/// <summary>
/// One hyperparameter's bounds converted once to the raw domain the level above learns: low and high (infinite
/// where there is none), and whether they bound the raw value's magnitude (the squared domain, whose sign is kept).
/// </summary>
/// <param name="Low">The lowest raw value (or magnitude), or negative infinity.</param>
/// <param name="High">The highest raw value (or magnitude), or positive infinity.</param>
/// <param name="OnMagnitude">Whether the bounds apply to the magnitude (h = r * r: a bound on h is a bound on |r|).</param>
internal readonly record struct RawBound(double Low, double High, bool OnMagnitude)
{
    /// <summary>Converts <paramref name="bound"/>, in the user's domain, to the raw domain of <paramref name="domain"/>.</summary>
    public static RawBound From(HyperBound bound, HyperDomain domain) => new(
        bound.HasMin ? HyperDomains.ToRawBound(domain, bound.Min) : double.NegativeInfinity,
        bound.HasMax ? HyperDomains.ToRawBound(domain, bound.Max) : double.PositiveInfinity,
        domain == HyperDomain.Squared);
}
