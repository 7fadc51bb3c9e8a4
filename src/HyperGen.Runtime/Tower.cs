using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// A running tower of optimizers over one logical set of parameters (one flat buffer, or several tensors). Level 1
/// trains the weights; level k + 1 trains level k's hyperparameters from the hypergradient of the previous step.
/// </summary>
/// <remarks>
/// A step computes every level's hypergradient from the partial derivatives recorded by the previous step, then
/// updates the levels top-down, the weights last (design notes, section 1). It allocates nothing and uses every
/// core for large buffers. A tower is not thread-safe: step it from one thread at a time.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed unsafe partial class Tower<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Elements per block of parallel work; large enough to amortise scheduling, small enough for L2.</summary>
    internal const int BlockSize = 16384;

    private readonly LevelState<T>[] _levels;
    private readonly TowerLevel[] _levelViews;
    private readonly HyperBounds[] _bounds;
    private readonly int[] _tensorSizes;
    private readonly int[] _tensorOffsets;
    private readonly WeightStepJob _weightStep;
    private readonly ReductionJob _reduction;
    private readonly double[] _hypergradientSums;

    /// <summary>Creates a tower over one flat buffer of <paramref name="parameterCount"/> weights.</summary>
    public Tower(TowerSpec spec, int parameterCount)
        : this(spec, [parameterCount])
    {
    }

    /// <summary>
    /// Creates a tower over several tensors that form one parameter set: they share every hyperparameter, and the
    /// hypergradients sum over all of them.
    /// </summary>
    /// <param name="spec">The levels, bottom first.</param>
    /// <param name="tensorSizes">The number of weights of each tensor, in the order they are passed to <see cref="Step(ReadOnlySpan{Memory{T}}, ReadOnlySpan{ReadOnlyMemory{T}})"/>.</param>
    public Tower(TowerSpec spec, ReadOnlySpan<int> tensorSizes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"HyperGen towers run in float or double, not {typeof(T).Name}.");
        }

        if (tensorSizes.IsEmpty)
        {
            throw new ArgumentException("A tower needs at least one tensor.", nameof(tensorSizes));
        }

        _tensorSizes = tensorSizes.ToArray();
        _tensorOffsets = new int[_tensorSizes.Length];
        long total = 0;
        for (int i = 0; i < _tensorSizes.Length; i++)
        {
            if (_tensorSizes[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tensorSizes), $"Tensor {i} has a negative size, {_tensorSizes[i]}.");
            }

            _tensorOffsets[i] = (int)total;
            total += _tensorSizes[i];
        }

        if (total > Array.MaxLength / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(tensorSizes), $"{total} parameters are more than one tower holds.");
        }

        ParameterCount = (int)total;
        Spec = spec;
        _levels = new LevelState<T>[spec.Depth];
        _levelViews = new TowerLevel[spec.Depth];
        _bounds = new HyperBounds[spec.Depth];
        for (int level = 0; level < spec.Depth; level++)
        {
            int count = level == 0 ? ParameterCount : spec.Levels[level - 1].Definition.HyperParameters.Count;
            bool learned = level < spec.Depth - 1;
            _levels[level] = new LevelState<T>(spec.Levels[level], count, learned);
            _bounds[level] = new HyperBounds(spec.Levels[level]);
            _levelViews[level] = new TowerLevel(level + 1, _levels[level], _bounds[level], spec.Levels[level]);
        }

        _weightStep = new WeightStepJob();
        _reduction = new ReductionJob(_levels[0].HyperCount, ParameterCount);
        _hypergradientSums = new double[_levels[0].HyperCount];
    }

    /// <summary>The specification the tower was built from.</summary>
    public TowerSpec Spec { get; }

    /// <summary>The number of levels.</summary>
    public int Depth => _levels.Length;

    /// <summary>The total number of weights over all tensors.</summary>
    public int ParameterCount { get; }

    /// <summary>The number of weights of each tensor.</summary>
    public IReadOnlyList<int> TensorSizes => _tensorSizes;

    /// <summary>The levels, bottom (weights) first.</summary>
    public IReadOnlyList<TowerLevel> Levels => _levelViews;

    /// <summary>How many steps the tower has taken.</summary>
    public int StepCount => _levels[0].StepCount;

    /// <summary>Takes one training step over a single flat buffer of weights.</summary>
    /// <param name="weights">The weights, updated in place; as many as <see cref="ParameterCount"/>.</param>
    /// <param name="gradients">The loss gradient at <paramref name="weights"/>.</param>
    public void Step(Span<T> weights, ReadOnlySpan<T> gradients)
    {
        if (_tensorSizes.Length != 1)
        {
            throw new InvalidOperationException(
                $"This tower was built for {_tensorSizes.Length} tensors; pass them all to Step(weights[], gradients[]).");
        }

        CheckLength(weights.Length, gradients.Length, 0);
        fixed (T* w = weights)
        fixed (T* g = gradients)
        {
            ComputeHypergradients(g, 0, ParameterCount, last: true);
            UpdateHyperparameters();
            StepWeights(w, g, 0, ParameterCount);
        }

        _levels[0].StepCount++;
    }

    /// <summary>Takes one training step over several tensors that form one parameter set.</summary>
    /// <param name="weights">Each tensor's weights, updated in place, in the order of <see cref="TensorSizes"/>.</param>
    /// <param name="gradients">Each tensor's loss gradient, in the same order.</param>
    public void Step(ReadOnlySpan<Memory<T>> weights, ReadOnlySpan<ReadOnlyMemory<T>> gradients)
    {
        if (weights.Length != _tensorSizes.Length || gradients.Length != _tensorSizes.Length)
        {
            throw new ArgumentException(
                $"This tower was built for {_tensorSizes.Length} tensors; got {weights.Length} weight and {gradients.Length} gradient tensors.");
        }

        for (int i = 0; i < weights.Length; i++)
        {
            CheckLength(weights[i].Length, gradients[i].Length, i);
        }

        for (int i = 0; i < gradients.Length; i++)
        {
            fixed (T* g = gradients[i].Span)
            {
                ComputeHypergradients(g, _tensorOffsets[i], _tensorSizes[i], last: i == gradients.Length - 1);
            }
        }

        UpdateHyperparameters();
        for (int i = 0; i < weights.Length; i++)
        {
            fixed (T* w = weights[i].Span)
            fixed (T* g = gradients[i].Span)
            {
                StepWeights(w, g, _tensorOffsets[i], _tensorSizes[i]);
            }
        }

        _levels[0].StepCount++;
    }

    private void CheckLength(int weightCount, int gradientCount, int tensor)
    {
        int expected = _tensorSizes[tensor];
        if (weightCount != expected || gradientCount != expected)
        {
            string which = _tensorSizes.Length == 1 ? "The tower" : $"Tensor {tensor}";
            throw new ArgumentException(
                $"{which} has {expected} weights; got {weightCount} weights and {gradientCount} gradients.");
        }
    }

    /// <summary>
    /// Adds one tensor's contribution to level 1's hypergradient, <c>G1[j] += sum_i g[i] * dw_i/dr_j</c>, with the
    /// partials recorded by the previous step; on the last tensor, finishes G1 and every upper hypergradient.
    /// </summary>
    private void ComputeHypergradients(T* gradients, int offset, int count, bool last)
    {
        if (Depth == 1)
        {
            return;
        }

        LevelState<T> bottom = _levels[0];
        if (offset == 0)
        {
            Array.Clear(_hypergradientSums);
        }

        if (bottom.StepCount > 0 && count > 0)
        {
            _reduction.Set(gradients, bottom.PartialPointer + offset, count);
            BlockScheduler.Run(_reduction, BlockCount(count));
            _reduction.AddTotals(_hypergradientSums);
        }

        if (!last)
        {
            return;
        }

        for (int j = 0; j < bottom.HyperCount; j++)
        {
            bottom.Hypergradient[j] = bottom.IsLearned(j) ? T.CreateTruncating(_hypergradientSums[j]) : T.Zero;
        }

        // G(k+1)[l] = sum_j Gk[j] * dhk_j/dh(k+1)_l, with the partials of the previous update of level k.
        for (int level = 1; level < Depth - 1; level++)
        {
            LevelState<T> state = _levels[level];
            T[] below = _levels[level - 1].Hypergradient;
            for (int l = 0; l < state.HyperCount; l++)
            {
                double sum = 0;
                for (int i = 0; i < state.Count; i++)
                {
                    sum += double.CreateTruncating(below[i]) * double.CreateTruncating(state.Partials[(l * state.Count) + i]);
                }

                state.Hypergradient[l] = state.IsLearned(l) ? T.CreateTruncating(sum) : T.Zero;
            }
        }
    }

    /// <summary>Updates every level's hyperparameters top-down, each with the freshly updated values above it.</summary>
    private void UpdateHyperparameters()
    {
        for (int level = Depth - 1; level >= 1; level--)
        {
            LevelState<T> upper = _levels[level];
            LevelState<T> lower = _levels[level - 1];
            upper.StepCount++;
            fixed (T* x = lower.Raw)
            fixed (T* g = lower.Hypergradient)
            {
                var chunk = new LevelChunk<T>(
                    ref Unsafe.AsRef<T>(x), ref Unsafe.AsRef<T>(g),
                    ref upper.StateRef(0), upper.Count,
                    ref upper.PartialRef(0), upper.Count,
                    upper.Count);
                upper.Kernel.Step(in chunk, upper.Raw, upper.StepCount);
            }

            _bounds[level - 1].Apply(lower.Raw);

            lower.HoldInactiveHyperparameters();
        }
    }

    private void StepWeights(T* weights, T* gradients, int offset, int count)
    {
        LevelState<T> bottom = _levels[0];
        _weightStep.Set(bottom, weights, gradients, offset, count, bottom.StepCount + 1);
        BlockScheduler.Run(_weightStep, BlockCount(count));
    }

    private static int BlockCount(int count) => (count + BlockSize - 1) / BlockSize;

    /// <summary>Level 1's update of one tensor, block by block.</summary>
    private sealed class WeightStepJob : BlockJob
    {
        private LevelState<T>? _level;
        private T* _weights;
        private T* _gradients;
        private int _offset;
        private int _count;
        private int _stepIndex;

        public void Set(LevelState<T> level, T* weights, T* gradients, int offset, int count, int stepIndex)
        {
            _level = level;
            _weights = weights;
            _gradients = gradients;
            _offset = offset;
            _count = count;
            _stepIndex = stepIndex;
        }

        protected override void RunBlock(int block)
        {
            LevelState<T> level = _level!;
            int start = block * BlockSize;
            int length = Math.Min(BlockSize, _count - start);
            int at = _offset + start;
            var chunk = new LevelChunk<T>(
                ref Unsafe.AsRef<T>(_weights + start), ref Unsafe.AsRef<T>(_gradients + start),
                ref level.StateRef(at), level.Count,
                ref level.PartialRef(at), level.Count,
                length);
            level.Kernel.Step(in chunk, level.Raw, _stepIndex);
        }
    }

    /// <summary>Dot products of one tensor's gradients with each recorded partial, block by block.</summary>
    private sealed class ReductionJob : BlockJob
    {
        private readonly int _hyperCount;
        private readonly int _stride;
        private readonly double[] _blockSums;
        private T* _gradients;
        private T* _partials;
        private int _count;

        public ReductionJob(int hyperCount, int stride)
        {
            _hyperCount = hyperCount;
            _stride = stride;
            _blockSums = new double[Math.Max(1, BlockCount(stride)) * hyperCount];
        }

        public void Set(T* gradients, T* partials, int count)
        {
            _gradients = gradients;
            _partials = partials;
            _count = count;
        }

        /// <summary>Adds the block sums in block order, so the result does not depend on the thread count.</summary>
        public void AddTotals(double[] totals)
        {
            int blocks = BlockCount(_count);
            for (int block = 0; block < blocks; block++)
            {
                for (int j = 0; j < _hyperCount; j++)
                {
                    totals[j] += _blockSums[(block * _hyperCount) + j];
                }
            }
        }

        protected override void RunBlock(int block)
        {
            int start = block * BlockSize;
            int length = Math.Min(BlockSize, _count - start);
            for (int j = 0; j < _hyperCount; j++)
            {
                _blockSums[(block * _hyperCount) + j] =
                    VectorMath.Dot(_gradients + start, _partials + ((nint)j * _stride) + start, length);
            }
        }
    }
}
