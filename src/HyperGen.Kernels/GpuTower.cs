using System;
using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <summary>
/// A running tower of optimizers whose weights, gradients, state and every level's hyperparameters live on an
/// accelerator. <see cref="Step"/> only enqueues kernels: level 1's hypergradient (block sums, then one thread that
/// finishes and chains every hypergradient), each upper level's update (tiny kernels over the hyperparameters),
/// and the fused update of the weights. Nothing is copied to the host and nothing waits for the device; reading
/// the hyperparameters is the separate <see cref="ReadHyperparameters"/>.
/// </summary>
/// <remarks>
/// The semantics are <see cref="Tower{T}"/>'s (design notes, section 1) and the numbers agree with it up to
/// rounding (fused multiply-adds, device math functions, summation order). Level 1 stores its partials (H floats
/// per weight) for the next step's reduction. Kernels are loaded once, in the constructor; a step allocates
/// nothing on the host. Not thread-safe.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed class GpuTower<T> : IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Accelerator _accelerator;
    private readonly GpuLevel<T>[] _levels;
    private readonly TowerKernels<T> _kernels;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _hypergradients;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _learned;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _upperPartials;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _levelTable;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _blockSums;
    private readonly KernelConfig _reductionConfig;
    private bool _disposed;

    /// <summary>Creates a tower over <paramref name="parameterCount"/> weights on <paramref name="accelerator"/>.</summary>
    /// <param name="accelerator">Where everything lives and runs (see <see cref="GpuDevice"/>).</param>
    /// <param name="spec">The levels, bottom first; every optimizer needs generated GPU kernels.</param>
    /// <param name="parameterCount">The number of weights.</param>
    /// <exception cref="NotSupportedException">T is neither float nor double, or an optimizer has no GPU kernels.</exception>
    public GpuTower(Accelerator accelerator, TowerSpec spec, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"HyperGen towers run in float or double, not {typeof(T).Name}.");
        }

        _accelerator = accelerator;
        Spec = spec;
        ParameterCount = parameterCount;
        int depth = spec.Depth;
        _levels = new GpuLevel<T>[depth];

        // Learned levels (all but the top) pack their hypergradients, learned flags and (above level 1) partials
        // into shared buffers, so one thread can finish and chain them all.
        var table = new int[Math.Max(1, (depth - 1) * 4)];
        int gradientTotal = 0;
        long upperPartialTotal = 0;
        for (int level = 0; level < depth - 1; level++)
        {
            int count = level == 0 ? parameterCount : spec.Levels[level - 1].Definition.HyperParameters.Count;
            int hypers = spec.Levels[level].Definition.HyperParameters.Count;
            table[level * 4] = count;
            table[(level * 4) + 1] = hypers;
            table[(level * 4) + 2] = gradientTotal;
            table[(level * 4) + 3] = level == 0 ? 0 : (int)upperPartialTotal;
            gradientTotal += hypers;
            upperPartialTotal += level == 0 ? 0 : (long)hypers * count;
        }

        int levelOneHypers = spec.Levels[0].Definition.HyperParameters.Count;
        if (depth > 1 && (long)levelOneHypers * parameterCount > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parameterCount), $"{parameterCount} weights times {levelOneHypers} partials exceed what one device buffer indexes with int.");
        }

        var learned = new int[Math.Max(1, gradientTotal)];
        _hypergradients = accelerator.Allocate1D<T>(Math.Max(1, gradientTotal));
        _hypergradients.MemSetToZero();
        _upperPartials = accelerator.Allocate1D<T>(Math.Max(1, upperPartialTotal));
        _upperPartials.MemSetToZero();
        for (int level = 0; level < depth; level++)
        {
            bool isLearned = level < depth - 1;
            int count = level == 0 ? parameterCount : spec.Levels[level - 1].Definition.HyperParameters.Count;
            ArrayView<T> gradient = isLearned ? _hypergradients.View.SubView(table[(level * 4) + 2], table[(level * 4) + 1]) : default;
            ArrayView<T> partials = !isLearned ? default
                : level == 0 ? default
                : _upperPartials.View.SubView(table[(level * 4) + 3], (long)table[(level * 4) + 1] * count);
            _levels[level] = new GpuLevel<T>(accelerator, spec.Levels[level], count, isLearned, partials, gradient, learned, isLearned ? table[(level * 4) + 2] : 0);
        }

        _learned = accelerator.Allocate1D(learned);
        for (int level = 0; level < depth - 1; level++)
        {
            _levels[level].SetLearnedView(_learned.View.SubView(table[(level * 4) + 2], table[(level * 4) + 1]));
        }

        _levelTable = accelerator.Allocate1D(table);
        int groupSize = ReductionGroupSize(accelerator);
        int maxBlocks = accelerator.AcceleratorType == AcceleratorType.Cuda ? accelerator.NumMultiprocessors * 4 : 4;
        int blocks = (int)Math.Clamp(((long)parameterCount + groupSize - 1) / groupSize, 1, maxBlocks);
        _reductionConfig = new KernelConfig(blocks, groupSize);
        _blockSums = accelerator.Allocate1D<double>(Math.Max(1, blocks * levelOneHypers));
        _kernels = new TowerKernels<T>(accelerator);
        accelerator.Synchronize();
    }

    /// <summary>The specification the tower was built from.</summary>
    public TowerSpec Spec { get; }

    /// <summary>The number of levels.</summary>
    public int Depth => _levels.Length;

    /// <summary>The number of weights.</summary>
    public int ParameterCount { get; }

    /// <summary>How many steps the tower has taken (enqueued).</summary>
    public int StepCount { get; private set; }

    /// <summary>The accelerator the tower runs on.</summary>
    public Accelerator Accelerator => _accelerator;

    /// <summary>
    /// Enqueues one training step on the accelerator's default stream and returns without waiting: the
    /// hypergradients from the previous step's partials, every level's update top-down, then the weights.
    /// </summary>
    /// <param name="weights">The weights, on the accelerator, updated in place; as many as <see cref="ParameterCount"/>.</param>
    /// <param name="gradients">The loss gradient at <paramref name="weights"/>, on the accelerator.</param>
    public void Step(ArrayView<T> weights, ArrayView<T> gradients)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (weights.Length != ParameterCount || gradients.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"The tower has {ParameterCount} weights; got {weights.Length} weights and {gradients.Length} gradients.");
        }

        int stepIndex = StepCount + 1;
        if (Depth > 1)
        {
            EnqueueHypergradients(gradients);
            for (int level = Depth - 1; level >= 1; level--)
            {
                GpuLevel<T> upper = _levels[level];
                GpuLevel<T> lower = _levels[level - 1];
                upper.EnqueueStep(lower.Raw, lower.Hypergradient, stepIndex);
                if (lower.HasInactiveHyperparameters)
                {
                    _kernels.HoldInactive(lower.HyperCount, lower.Raw, lower.InitialRaw, lower.Learned);
                }
            }
        }

        _levels[0].EnqueueStep(weights, gradients, stepIndex);
        StepCount++;
    }

    /// <summary>Level 1's hypergradient from the partials of the previous step, and every level's above it.</summary>
    private void EnqueueHypergradients(ArrayView<T> gradients)
    {
        if (StepCount == 0)
        {
            // The partials are zero before the first step, and so are the zero-initialised hypergradients.
            return;
        }

        GpuLevel<T> bottom = _levels[0];
        for (int first = 0; first < bottom.HyperCount; first += TowerKernels<T>.HypersPerPass)
        {
            int passCount = Math.Min(TowerKernels<T>.HypersPerPass, bottom.HyperCount - first);
            _kernels.BlockDots(
                _reductionConfig, gradients, bottom.Partials, _blockSums.View, ParameterCount, bottom.HyperCount, first, passCount);
        }

        _kernels.FinishHypergradients(
            1, _blockSums.View, _reductionConfig.GridDim.X, _levelTable.View, Depth - 1,
            _hypergradients.View, _learned.View, _upperPartials.View);
    }

    /// <summary>
    /// Copies level <paramref name="level"/>'s hyperparameters to the host, in the user's domain; waits for the
    /// steps enqueued so far. A separate call, so steps never synchronise.
    /// </summary>
    /// <param name="level">1-based: 1 trains the weights.</param>
    public double[] ReadHyperparameters(int level)
    {
        double[] raw = ReadRawHyperparameters(level);
        OptimizerDefinition definition = _levels[level - 1].Definition;
        for (int j = 0; j < raw.Length; j++)
        {
            raw[j] = HyperDomains.FromRaw(definition.HyperParameters[j].Domain, raw[j]);
        }

        return raw;
    }

    /// <summary>Copies level <paramref name="level"/>'s raw (learned) hyperparameters to the host; waits for the device.</summary>
    /// <param name="level">1-based: 1 trains the weights.</param>
    public double[] ReadRawHyperparameters(int level)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, Depth);
        GpuLevel<T> state = _levels[level - 1];
        var values = new T[state.HyperCount];
        _accelerator.Synchronize();
        state.Raw.CopyToCPU(values);
        var result = new double[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            result[j] = double.CreateTruncating(values[j]);
        }

        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (GpuLevel<T> level in _levels)
        {
            level.Dispose();
        }

        _hypergradients.Dispose();
        _learned.Dispose();
        _upperPartials.Dispose();
        _levelTable.Dispose();
        _blockSums.Dispose();
    }

    private static int ReductionGroupSize(Accelerator accelerator)
    {
        int size = TowerKernels<T>.GroupSize;
        while (size > accelerator.MaxNumThreadsPerGroup)
        {
            size /= 2;
        }

        return size;
    }
}
