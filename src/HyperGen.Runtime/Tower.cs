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
/// <para>
/// A step computes every level's hypergradient from the previous step, then updates the levels top-down, the weights
/// last (docs/how-it-works.md, "How a tower runs the kernels"). Level 1's hypergradient comes from one pass over the parameters: either the dot
/// products of this step's gradients with the partials the previous update stored, or, for optimizers where the
/// generator found it moves fewer bytes, from the partials recomputed out of the previous update's inputs (its
/// gradients, and the state it started from, which the tower keeps by double-buffering the state). A step allocates
/// nothing and uses every core for large buffers. A tower is not thread-safe: step it from one thread at a time.
/// </para>
/// <para>
/// Non-finite values. Before it changes anything, a step checks that the loss (when given), every gradient, every
/// hyperparameter and every hypergradient is finite, and after the upper levels' updates that every new
/// hyperparameter is; a step that fails a check changes nothing (weights, state, hyperparameters, step counters stay
/// exactly as they were) and is reported as <see cref="NonFinitePolicy"/> says. The gradient check costs nothing
/// where level 1's hypergradient pass runs (a non-finite gradient makes that sum non-finite, since an infinity times
/// zero is NaN): only at Depth 1 and at the first step does a separate pass read the gradients
/// (<see cref="NonFinitePolicy.Unchecked"/> turns every check off, that pass included). Level 1's state is
/// checked where the hypergradient reads it: a non-finite value in the previous update's inputs or in its stored
/// partials makes level 1's hypergradient non-finite. The weights and the state that the weight update itself
/// produces are not checked (the update writes the weights in place); an update that overflows the state shows in
/// the next step's hypergradient wherever the partials depend on that state.
/// </para>
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
    private readonly WeightStepJob _weightStep;
    private readonly ReductionJob _reduction;
    private readonly NonFiniteScanJob _scan;
    private readonly double[] _hypergradientSums;
    private readonly TowerSnapshot<T> _snapshot;

    /// <summary>Whether this step gets level 1's hypergradient from a pass over the gradients (else it scans them).</summary>
    private bool _reducing;

    /// <summary>The flat index of the first non-finite gradient found in this step, or -1.</summary>
    private long _firstNonFiniteGradient;

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
        : this(spec, tensorSizes, allowRecomputedPartials: true)
    {
    }

    /// <summary>Creates a tower that may be told to store level 1's partials even where recomputing them moves fewer bytes.</summary>
    /// <param name="spec">The levels, bottom first.</param>
    /// <param name="tensorSizes">The number of weights of each tensor.</param>
    /// <param name="allowRecomputedPartials">False to store the partials whatever the generator chose (to compare the two paths).</param>
    internal Tower(TowerSpec spec, ReadOnlySpan<int> tensorSizes, bool allowRecomputedPartials)
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

        // One plan for both devices; on the CPU every tensor and every variable starts on a cache line, so that
        // chunks take the aligned streaming stores.
        Plan = new TowerPlan(spec, tensorSizes, AlignedBuffer<T>.Alignment / sizeof(T), maxElements: Array.MaxLength / 2);
        _tensorSizes = tensorSizes.ToArray();
        ParameterCount = Plan.ParameterCount;
        Spec = spec;
        _levels = new LevelState<T>[spec.Depth];
        _levelViews = new TowerLevel[spec.Depth];
        _bounds = new HyperBounds[spec.Depth];
        for (int level = 0; level < spec.Depth; level++)
        {
            // Only level 1 is per-weight work; the scalar levels above keep storing their few partials.
            LevelPlan plan = Plan.Levels[level];
            _levels[level] = new LevelState<T>(plan, mayRecompute: level == 0 && allowRecomputedPartials);
            _bounds[level] = new HyperBounds(plan);
            _levelViews[level] = new TowerLevel(level + 1, _levels[level], _bounds[level], spec.Levels[level], isTop: !plan.IsLearned);
        }

        int largestTensor = 0;
        foreach (int size in _tensorSizes)
        {
            largestTensor = Math.Max(largestTensor, size);
        }

        _weightStep = new WeightStepJob();
        _reduction = new ReductionJob(_levels[0], BlockCount(largestTensor));
        _scan = new NonFiniteScanJob(BlockCount(largestTensor));
        _hypergradientSums = new double[_levels[0].HyperCount];
        _snapshot = new TowerSnapshot<T>(_levels);
    }

    /// <summary>The specification the tower was built from.</summary>
    public TowerSpec Spec { get; }

    /// <summary>The tower's shape: every level's sizes, offsets, learned flags and raw bounds.</summary>
    internal TowerPlan Plan { get; }

    /// <summary>The number of levels.</summary>
    public int Depth => _levels.Length;

    /// <summary>The total number of weights over all tensors.</summary>
    public int ParameterCount { get; }

    /// <summary>The number of weights of each tensor.</summary>
    public IReadOnlyList<int> TensorSizes => _shard?.Sharding.TensorSizes ?? _tensorSizes;

    /// <summary>The levels, bottom (weights) first.</summary>
    public IReadOnlyList<TowerLevel> Levels => _levelViews;

    /// <summary>Level <paramref name="index"/>'s buffers (0-based), for moving a running state between devices.</summary>
    internal LevelState<T> LevelStateAt(int index) => _levels[index];

    /// <summary>How many steps the tower has taken (skipped steps not included).</summary>
    public int StepCount => _levels[0].StepCount;

    /// <summary>What a step does when it meets a NaN or an infinity; <see cref="NonFinitePolicy.Throw"/> unless set.</summary>
    public NonFinitePolicy NonFinitePolicy { get; set; } = NonFinitePolicy.Throw;

    /// <summary>Whether steps check for non-finite values (every policy but <see cref="NonFinitePolicy.Unchecked"/>).</summary>
    private bool Checks => NonFinitePolicy != NonFinitePolicy.Unchecked;

    /// <summary>How many steps were skipped under <see cref="NonFinitePolicy.SkipStep"/> because a value was not finite.</summary>
    public long SkippedStepCount { get; private set; }

    /// <summary>The buffers of level <paramref name="index"/> (0-based), for tests and checkpoints.</summary>
    internal LevelState<T> GetLevelState(int index) => _levels[index];

    /// <summary>Takes one training step over a single flat buffer of weights.</summary>
    /// <param name="weights">The weights, updated in place; as many as <see cref="ParameterCount"/>.</param>
    /// <param name="gradients">The loss gradient at <paramref name="weights"/>.</param>
    /// <exception cref="NonFiniteStepException">A gradient, hyperparameter or hypergradient is not finite (the step changed nothing).</exception>
    public void Step(Span<T> weights, ReadOnlySpan<T> gradients) => StepFlat(weights, gradients, hasLoss: false, T.Zero);

    /// <summary>
    /// A buffer of <see cref="ParameterCount"/> values for the next step's gradients, owned by the tower: fill it and
    /// call <see cref="StepWithNextGradients(Span{T})"/>. Where level 1 recomputes its partials from the previous
    /// step's gradients, the tower keeps two such buffers and alternates them, so that a step need not copy the
    /// gradients (one value per weight less memory traffic than <see cref="Step(Span{T}, ReadOnlySpan{T})"/>).
    /// </summary>
    /// <remarks>The span changes after every step that used it: read the property again before filling it.</remarks>
    public Span<T> NextGradients => _levels[0].NextGradients;

    /// <summary>Takes one training step over a single flat buffer of weights, with the gradients in <see cref="NextGradients"/>.</summary>
    /// <param name="weights">The weights, updated in place; as many as <see cref="ParameterCount"/>.</param>
    /// <exception cref="NonFiniteStepException">A gradient, hyperparameter or hypergradient is not finite (the step changed nothing).</exception>
    public void StepWithNextGradients(Span<T> weights) =>
        StepFlat(weights, _levels[0].NextGradients, hasLoss: false, T.Zero, gradientsAreNext: true);

    /// <summary>Takes one training step with the gradients in <see cref="NextGradients"/>, checking the loss too.</summary>
    /// <param name="weights">The weights, updated in place; as many as <see cref="ParameterCount"/>.</param>
    /// <param name="loss">The loss at <paramref name="weights"/>; the step is refused when it is not finite.</param>
    /// <exception cref="NonFiniteStepException">The loss, a gradient, hyperparameter or hypergradient is not finite (the step changed nothing).</exception>
    public void StepWithNextGradients(Span<T> weights, T loss) =>
        StepFlat(weights, _levels[0].NextGradients, hasLoss: true, loss, gradientsAreNext: true);

    /// <summary>Takes one training step over a single flat buffer of weights, checking the loss too.</summary>
    /// <param name="weights">The weights, updated in place; as many as <see cref="ParameterCount"/>.</param>
    /// <param name="gradients">The loss gradient at <paramref name="weights"/>.</param>
    /// <param name="loss">The loss at <paramref name="weights"/>; the step is refused when it is not finite.</param>
    /// <exception cref="NonFiniteStepException">The loss, a gradient, hyperparameter or hypergradient is not finite (the step changed nothing).</exception>
    public void Step(Span<T> weights, ReadOnlySpan<T> gradients, T loss) => StepFlat(weights, gradients, hasLoss: true, loss);

    /// <summary>Takes one training step over several tensors that form one parameter set.</summary>
    /// <param name="weights">Each tensor's weights, updated in place, in the order of <see cref="TensorSizes"/>.</param>
    /// <param name="gradients">Each tensor's loss gradient, in the same order.</param>
    /// <exception cref="NonFiniteStepException">A gradient, hyperparameter or hypergradient is not finite (the step changed nothing).</exception>
    public void Step(ReadOnlySpan<Memory<T>> weights, ReadOnlySpan<ReadOnlyMemory<T>> gradients) =>
        StepTensors(weights, gradients, hasLoss: false, T.Zero);

    /// <summary>Takes one training step over several tensors that form one parameter set, checking the loss too.</summary>
    /// <param name="weights">Each tensor's weights, updated in place, in the order of <see cref="TensorSizes"/>.</param>
    /// <param name="gradients">Each tensor's loss gradient, in the same order.</param>
    /// <param name="loss">The loss at <paramref name="weights"/>; the step is refused when it is not finite.</param>
    /// <exception cref="NonFiniteStepException">The loss, a gradient, hyperparameter or hypergradient is not finite (the step changed nothing).</exception>
    public void Step(ReadOnlySpan<Memory<T>> weights, ReadOnlySpan<ReadOnlyMemory<T>> gradients, T loss) =>
        StepTensors(weights, gradients, hasLoss: true, loss);

    private void StepFlat(Span<T> weights, ReadOnlySpan<T> gradients, bool hasLoss, T loss, bool gradientsAreNext = false)
    {
        if (_shard is not null)
        {
            StepShardedFlat(weights, gradients, hasLoss, loss, gradientsAreNext);
            return;
        }

        if (_tensorSizes.Length != 1)
        {
            throw new InvalidOperationException(
                $"This tower was built for {_tensorSizes.Length} tensors; pass them all to Step(weights[], gradients[]).");
        }

        CheckLength(weights.Length, gradients.Length, 0);
        if (!BeginStep(hasLoss, loss))
        {
            return;
        }

        fixed (T* w = weights)
        fixed (T* g = gradients)
        {
            ReadGradients(g, 0);
            if (_reducing && Checks && !SumsAreFinite())
            {
                LocateNonFiniteGradient(g, 0);
            }

            if (!FinishHypergradients() || !UpdateHyperparameters())
            {
                return;
            }

            StepWeights(w, g, 0, copyGradients: !gradientsAreNext);
        }

        EndStep(gradientsAreNext);
    }

    private void StepTensors(ReadOnlySpan<Memory<T>> weights, ReadOnlySpan<ReadOnlyMemory<T>> gradients, bool hasLoss, T loss)
    {
        if (_shard is not null)
        {
            StepShardedTensors(weights, gradients, hasLoss, loss);
            return;
        }

        if (weights.Length != _tensorSizes.Length || gradients.Length != _tensorSizes.Length)
        {
            throw new ArgumentException(
                $"This tower was built for {_tensorSizes.Length} tensors; got {weights.Length} weight and {gradients.Length} gradient tensors.");
        }

        for (int i = 0; i < weights.Length; i++)
        {
            CheckLength(weights[i].Length, gradients[i].Length, i);
        }

        if (!BeginStep(hasLoss, loss))
        {
            return;
        }

        for (int i = 0; i < gradients.Length; i++)
        {
            fixed (T* g = gradients[i].Span)
            {
                ReadGradients(g, i);
            }
        }

        if (_reducing && Checks && !SumsAreFinite())
        {
            for (int i = 0; i < gradients.Length && _firstNonFiniteGradient < 0; i++)
            {
                fixed (T* g = gradients[i].Span)
                {
                    LocateNonFiniteGradient(g, i);
                }
            }
        }

        if (!FinishHypergradients() || !UpdateHyperparameters())
        {
            return;
        }

        for (int i = 0; i < weights.Length; i++)
        {
            fixed (T* w = weights[i].Span)
            fixed (T* g = gradients[i].Span)
            {
                StepWeights(w, g, i, copyGradients: true);
            }
        }

        EndStep(gradientsWereNext: false);
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

    /// <summary>Checks what the step reads before it reads any buffer, and saves what it may have to restore.</summary>
    private bool BeginStep(bool hasLoss, T loss)
    {
        LevelState<T> bottom = _levels[0];
        _reducing = Depth > 1 && bottom.StepCount > 0 && bottom.HyperCount > 0;
        _firstNonFiniteGradient = -1;
        Array.Clear(_hypergradientSums);
        if (!Checks)
        {
            return true;
        }

        if (hasLoss && !T.IsFinite(loss))
        {
            return Refuse(NonFiniteQuantity.Loss, level: 0, hyper: -1, parameter: -1);
        }

        for (int level = 0; level < Depth; level++)
        {
            T[] raw = _levels[level].Raw;
            for (int j = 0; j < raw.Length; j++)
            {
                if (!T.IsFinite(raw[j]))
                {
                    return Refuse(NonFiniteQuantity.HyperParameter, level, j, parameter: -1);
                }
            }
        }

        _snapshot.Save();
        return true;
    }

    /// <summary>
    /// Adds one tensor's contribution to level 1's hypergradient, <c>G1[j] += sum_i g[i] * dw_i/dr_j</c>, with the
    /// partials of the previous update (stored, or recomputed from its inputs); where no such pass runs, scans the
    /// gradients for NaN and infinities instead.
    /// </summary>
    private void ReadGradients(T* gradients, int tensor)
    {
        int count = _tensorSizes[tensor];
        if (count == 0)
        {
            return;
        }

        if (_reducing)
        {
            _reduction.Set(gradients, Plan.TensorOffsets[tensor], count);
            BlockScheduler.Run(_reduction, BlockCount(count));
            _reduction.AddTotals(_hypergradientSums);
            _shard?.Keep(_reduction.BlockSums);
        }
        else if (Checks && _firstNonFiniteGradient < 0)
        {
            LocateNonFiniteGradient(gradients, tensor);
        }
    }

    private void LocateNonFiniteGradient(T* gradients, int tensor)
    {
        int count = _tensorSizes[tensor];
        _scan.Set(gradients, count);
        BlockScheduler.Run(_scan, BlockCount(count));
        int first = _scan.FirstIndex();
        if (first >= 0)
        {
            _firstNonFiniteGradient = Plan.TensorStarts[tensor] + (long)first;
        }
    }

    private bool SumsAreFinite()
    {
        foreach (double sum in _hypergradientSums)
        {
            if (!double.IsFinite(sum))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sets every level's hypergradient, checking each; the upper ones are <c>G(k+1)[l] = sum_j Gk[j] * dhk_j/dh(k+1)_l</c>.</summary>
    private bool FinishHypergradients()
    {
        if (_firstNonFiniteGradient >= 0)
        {
            return Refuse(NonFiniteQuantity.Gradient, level: 0, hyper: -1, _firstNonFiniteGradient);
        }

        if (Depth == 1)
        {
            return true;
        }

        LevelState<T> bottom = _levels[0];
        for (int j = 0; j < bottom.HyperCount; j++)
        {
            // Checked in T as well: a finite double sum can overflow float.
            T value = T.CreateTruncating(_hypergradientSums[j]);
            if (!T.IsFinite(value) && Checks)
            {
                return Refuse(NonFiniteQuantity.Hypergradient, level: 0, j, parameter: -1);
            }

            bottom.Hypergradient[j] = T.CreateTruncating(TowerRules.Hypergradient(_hypergradientSums[j], bottom.IsLearned(j)));
        }

        for (int level = 1; level < Depth - 1; level++)
        {
            LevelState<T> state = _levels[level];
            T[] below = _levels[level - 1].Hypergradient;
            for (int l = 0; l < state.HyperCount; l++)
            {
                double sum;
                fixed (T* hypergradients = below)
                fixed (T* partials = state.Partials.Slice(l * state.Stride))
                {
                    sum = TowerRules.ChainedSum(new HostValues<T>(hypergradients), new HostValues<T>(partials), state.Count);
                }

                T value = T.CreateTruncating(sum);
                if (!T.IsFinite(value) && Checks)
                {
                    return Refuse(NonFiniteQuantity.Hypergradient, level, l, parameter: -1);
                }

                state.Hypergradient[l] = T.CreateTruncating(TowerRules.Hypergradient(sum, state.IsLearned(l)));
            }
        }

        return true;
    }

    /// <summary>Updates every level's hyperparameters top-down, each with the freshly updated values above it.</summary>
    private bool UpdateHyperparameters()
    {
        for (int level = Depth - 1; level >= 1; level--)
        {
            LevelState<T> upper = _levels[level];
            LevelState<T> lower = _levels[level - 1];
            upper.StepCount++;
            fixed (T* x = lower.Raw)
            fixed (T* g = lower.Hypergradient)
            {
                LevelChunk<T> chunk = upper.RecordsPartials
                    ? new LevelChunk<T>(
                        ref Unsafe.AsRef<T>(x), ref Unsafe.AsRef<T>(g), ref upper.StateRef(0), upper.Stride, ref upper.PartialRef(0), upper.Stride, upper.Count)
                    : new LevelChunk<T>(ref Unsafe.AsRef<T>(x), ref Unsafe.AsRef<T>(g), ref upper.StateRef(0), upper.Stride, upper.Count);
                upper.Kernel.Step(in chunk, upper.Raw, upper.StepCount);
            }

            _bounds[level - 1].Apply(lower.Raw);

            lower.HoldInactiveHyperparameters();
            for (int j = 0; j < lower.HyperCount && Checks; j++)
            {
                if (!T.IsFinite(lower.Raw[j]))
                {
                    return Refuse(NonFiniteQuantity.UpdatedHyperParameter, level - 1, j, parameter: -1);
                }
            }
        }

        return true;
    }

    private void StepWeights(T* weights, T* gradients, int tensor, bool copyGradients)
    {
        int count = _tensorSizes[tensor];
        LevelState<T> bottom = _levels[0];
        bool streaming = (long)bottom.Count * sizeof(T) >= StreamingThresholdBytes;
        _weightStep.Set(bottom, weights, gradients, Plan.TensorOffsets[tensor], count, bottom.StepCount + 1, copyGradients, streaming);
        BlockScheduler.Run(_weightStep, BlockCount(count));
    }

    private void EndStep(bool gradientsWereNext)
    {
        LevelState<T> bottom = _levels[0];
        bottom.StepCount++;
        if (bottom.RecomputesPartials)
        {
            bottom.FinishKeepingInputs(bottom.StepCount, gradientsWereNext);
        }
    }

    /// <summary>Undoes what the step changed, then throws or counts the skipped step; returns false to stop the step.</summary>
    /// <param name="quantity">What was not finite.</param>
    /// <param name="level">The 0-based level it belongs to.</param>
    /// <param name="hyper">The hyperparameter's index, or -1.</param>
    /// <param name="parameter">The gradient's flat index, or -1.</param>
    private bool Refuse(NonFiniteQuantity quantity, int level, int hyper, long parameter)
    {
        if (quantity is NonFiniteQuantity.Hypergradient or NonFiniteQuantity.UpdatedHyperParameter)
        {
            // Only these come after the step has written hypergradients or upper levels; earlier checks changed nothing.
            _snapshot.Restore();
        }

        if (NonFinitePolicy == NonFinitePolicy.SkipStep)
        {
            SkippedStepCount++;
            return false;
        }

        string? name = hyper >= 0 ? _levels[level].Definition.HyperParameters[hyper].Name : null;
        string what = NonFiniteStepException.Describe(quantity, level, name, parameter >= 0 ? DescribeGradient(parameter) : null);
        throw new NonFiniteStepException(
            $"{what}: step {StepCount + 1} was refused and changed nothing.",
            quantity,
            level + 1,
            name,
            parameter >= 0 ? parameter : null);
    }

    private string DescribeGradient(long index)
    {
        if (_shard is not null)
        {
            return _shard.Sharding.DescribeIndex(index);
        }

        if (_tensorSizes.Length == 1)
        {
            return $"Gradient {index}";
        }

        int tensor = Plan.TensorStarts.Count - 1;
        while (Plan.TensorStarts[tensor] > index)
        {
            tensor--;
        }

        return $"Gradient {index} (tensor {tensor}, element {index - Plan.TensorStarts[tensor]})";
    }

    /// <summary>
    /// The default of <see cref="StreamingThresholdBytes"/>: 8 MiB per buffer, with level 1's six to eight buffers
    /// well past the last-level cache of the machines we measure on.
    /// </summary>
    internal const long DefaultStreamingThresholdBytes = 8L << 20;

    /// <summary>
    /// The size of one level-1 buffer from which the update writes its write-only buffers (kept state, gradient
    /// copy, partials) past the cache; below it they fit in the caches and the next pass reads them from there.
    /// Tests lower it to run the streaming stores on small towers.
    /// </summary>
    internal long StreamingThresholdBytes { get; set; } = DefaultStreamingThresholdBytes;

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
        private bool _copyGradients;
        private bool _streamingStores;

        public void Set(
            LevelState<T> level, T* weights, T* gradients, int offset, int count, int stepIndex, bool copyGradients, bool streamingStores)
        {
            _streamingStores = streamingStores;
            _copyGradients = copyGradients;
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
            ref T weights = ref Unsafe.AsRef<T>(_weights + start);
            ref T gradients = ref Unsafe.AsRef<T>(_gradients + start);
            LevelChunk<T> chunk;
            if (level.RecomputesPartials)
            {
                chunk = _copyGradients
                    ? new LevelChunk<T>(
                        ref weights, ref gradients, ref level.StateRef(at), ref level.PreviousStateRef(at), level.Stride, ref level.PreviousGradientRef(at), length)
                    {
                        StreamingStores = _streamingStores,
                    }
                    : new LevelChunk<T>(ref weights, ref gradients, ref level.StateRef(at), ref level.PreviousStateRef(at), level.Stride, length)
                    {
                        StreamingStores = _streamingStores,
                    };
            }
            else if (level.RecordsPartials)
            {
                chunk = new LevelChunk<T>(
                    ref weights, ref gradients, ref level.StateRef(at), level.Stride, ref level.PartialRef(at), level.Stride, length)
                {
                    StreamingStores = _streamingStores,
                };
            }
            else
            {
                // The plain step streams nothing: only the partials and kept inputs are write-only.
                chunk = new LevelChunk<T>(ref weights, ref gradients, ref level.StateRef(at), level.Stride, length)
                {
                    StreamingStores = _streamingStores,
                };
            }

            level.Kernel.Step(in chunk, level.Raw, _stepIndex);
        }
    }

    /// <summary>
    /// Level 1's hypergradient over one tensor, block by block: one sum per block and hyperparameter, in double, added
    /// in block order so that the result does not depend on the thread count.
    /// </summary>
    private sealed class ReductionJob : BlockJob
    {
        private readonly LevelState<T> _level;
        private readonly int _hyperCount;
        private readonly double[] _blockSums;
        private T* _gradients;
        private int _offset;
        private int _count;

        public ReductionJob(LevelState<T> level, int maxBlocks)
        {
            _level = level;
            _hyperCount = level.HyperCount;
            _blockSums = new double[Math.Max(1, maxBlocks) * _hyperCount];
        }

        public void Set(T* gradients, int offset, int count)
        {
            _gradients = gradients;
            _offset = offset;
            _count = count;
        }

        /// <summary>The last run's sums, block by block, each block's hyperparameters together.</summary>
        public ReadOnlySpan<double> BlockSums => _blockSums.AsSpan(0, BlockCount(_count) * _hyperCount);

        public void AddTotals(double[] totals)
        {
            int blocks = BlockCount(_count);
            fixed (double* sums = _blockSums)
            {
                for (int j = 0; j < _hyperCount; j++)
                {
                    totals[j] = TowerRules.AddInBlockOrder(totals[j], new HostValues<double>(sums), blocks, _hyperCount, j);
                }
            }
        }

        protected override void RunBlock(int block)
        {
            int start = block * BlockSize;
            int length = Math.Min(BlockSize, _count - start);
            int at = _offset + start;
            Span<double> sums = _blockSums.AsSpan(block * _hyperCount, _hyperCount);
            LevelState<T> level = _level;
            if (level.RecomputesPartials)
            {
                sums.Clear();
                var chunk = new HypergradientChunk<T>(
                    in Unsafe.AsRef<T>(_gradients + start),
                    in level.PreviousGradientRef(at),
                    in level.PreviousStateRef(at),
                    level.Stride,
                    length);
                level.RecomputingKernel.AccumulateHypergradients(in chunk, level.PreviousRaw, level.PreviousStepIndex, sums);
                return;
            }

            T* partials = level.PartialPointer + at;
            for (int j = 0; j < _hyperCount; j++)
            {
                sums[j] = VectorMath.Dot(_gradients + start, partials + ((nint)j * level.Stride), length);
            }
        }
    }

    /// <summary>Finds the first NaN or infinity in one tensor's gradients, block by block.</summary>
    private sealed class NonFiniteScanJob : BlockJob
    {
        private readonly int[] _blockFirst;
        private T* _values;
        private int _count;

        public NonFiniteScanJob(int maxBlocks)
        {
            _blockFirst = new int[Math.Max(1, maxBlocks)];
        }

        public void Set(T* values, int count)
        {
            _values = values;
            _count = count;
        }

        /// <summary>The index of the first non-finite value of the last run, or -1.</summary>
        public int FirstIndex()
        {
            int blocks = BlockCount(_count);
            for (int block = 0; block < blocks; block++)
            {
                if (_blockFirst[block] >= 0)
                {
                    return (block * BlockSize) + _blockFirst[block];
                }
            }

            return -1;
        }

        protected override void RunBlock(int block)
        {
            int start = block * BlockSize;
            int length = Math.Min(BlockSize, _count - start);
            _blockFirst[block] = VectorMath.FirstNonFinite(_values + start, length);
        }
    }
}
