using System;
using System.Linq;
using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <summary>
/// A running tower of optimizers whose weights, gradients, state and every level's hyperparameters live on an
/// accelerator. <see cref="Step"/> only enqueues kernels: level 1's hypergradient (block sums, then one thread that
/// finishes and chains every hypergradient), all upper levels' updates (one thread, one launch), and the fused
/// update of the weights. Nothing is copied to the host and nothing waits for the device; reading the
/// hyperparameters is the separate <see cref="ReadHyperparameters"/>.
/// </summary>
/// <remarks>
/// <para>
/// The semantics are <see cref="Tower{T}"/>'s (docs/how-it-works.md, "How a tower runs the kernels") and the numbers agree with it up to
/// rounding (fused multiply-adds, device math functions, summation order). Level 1 stores its partials (H values
/// per weight) for the next step's reduction. Kernels are loaded once, in the constructor; a step allocates
/// nothing on the host. Not thread-safe. See docs/gpu.md.
/// </para>
/// <para>
/// Non-finite values (unless the tower was created with <c>refuseNonFinite: false</c>). A step checks on the device,
/// without waiting for it, what <see cref="Tower{T}"/> checks: every gradient (a pass of its own at Depth 1 and at
/// the first step; otherwise level 1's hypergradient sum carries a non-finite gradient), every hypergradient, and
/// every hyperparameter the upper levels wrote. A step that meets a NaN or an infinity is refused: it changes no
/// weight, state, partial or hyperparameter (the upper levels' few values are saved before the step and put back),
/// and neither does any step enqueued after it, until <see cref="TakeRefusal"/> reports the first refused step and
/// rolls <see cref="StepCount"/> back to the last step taken. The cost is a few small launches per step, and at
/// Depth 1 one read of the gradients.
/// </para>
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed partial class GpuTower<T> : IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const int FinishStride = 4;

    private readonly Accelerator _accelerator;
    private readonly GpuLevel<T>[] _levels;
    private readonly TowerKernels<T> _kernels;
    private readonly MemoryBuffer[] _buffers;
    private readonly ArrayView<T> _raw;
    private readonly ArrayView<T> _initialRaw;
    private readonly ArrayView<int> _learned;
    private readonly ArrayView<T> _hypergradients;
    private readonly ArrayView<T> _upperState;
    private readonly ArrayView<T> _upperPartials;
    private readonly ArrayView<int> _finishTable;
    private readonly ArrayView<DispatchLevel> _dispatchLevels;
    private readonly ArrayView<double> _blockSums;
    private readonly TowerPlan _plan;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _refusal;
    private readonly int[] _refusalHost = new int[Refusal.Length];
    private readonly ArrayView<T> _savedUpper;
    private readonly KernelConfig _endConfig;
    private readonly int _scanThreads;
    private readonly KernelConfig _reductionConfig;
    private readonly Action<KernelConfig, ArrayView<DispatchLevel>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, int>? _upperLevels;
    private readonly ArrayView<T> _bounds;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _boundHits;
    private readonly KernelConfig _upperLevelsConfig;
    private readonly Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int>? _recomputeHypergradients;
    private readonly ArrayView<T>[] _inputs = new ArrayView<T>[2];
    private readonly ArrayView<T>[] _savedGradients = new ArrayView<T>[2];
    private int _parity;
    private bool _disposed;

    /// <summary>Creates a tower over <paramref name="parameterCount"/> weights on <paramref name="accelerator"/>.</summary>
    /// <param name="accelerator">Where everything lives and runs (see <see cref="GpuDevice"/>).</param>
    /// <param name="spec">The levels, bottom first; every optimizer needs generated GPU kernels.</param>
    /// <param name="parameterCount">The number of weights.</param>
    /// <param name="refuseNonFinite">
    /// Whether a step that meets a NaN or an infinity is refused (see the remarks); false lets such values flow through
    /// as IEEE arithmetic makes them, for callers that check their losses themselves, and saves the checks' launches.
    /// </param>
    /// <exception cref="NotSupportedException">T is neither float nor double, or an optimizer has no GPU kernels.</exception>
    public GpuTower(Accelerator accelerator, TowerSpec spec, int parameterCount, bool refuseNonFinite = true)
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
        RefusesNonFinite = refuseNonFinite;
        var plan = new TowerPlan(spec, [parameterCount], alignment: 1, maxElements: int.MaxValue);
        _plan = plan;
        HyperparameterCount = plan.TotalHypers;
        int depth = spec.Depth;
        LevelPlan levelOne = plan.Levels[0];

        // Kernels index level 1's state (plus the kept gradient) and partials with int.
        long perWeight = Math.Max(levelOne.StateCount + 1, levelOne.HyperCount);
        if (perWeight * parameterCount > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parameterCount), $"{parameterCount} weights times {perWeight} values per weight exceed what a kernel indexes with int.");
        }

        // Host images of the packed buffers: every level's raw hyperparameters, learned flags and hypergradients
        // share one offset (the hyperparameters below it), upper levels' state and partials are packed likewise.
        var raw = new T[Math.Max(1, plan.TotalHypers)];
        var learned = new int[raw.Length];
        var upperState = new T[Math.Max(1, plan.TotalUpperState)];
        var bounds = new T[3 * raw.Length];
        foreach (LevelPlan level in plan.Levels)
        {
            for (int j = 0; j < level.HyperCount; j++)
            {
                raw[level.HyperAt + j] = T.CreateTruncating(level.InitialRaw(j));
                SetBound(bounds.AsSpan(3 * (level.HyperAt + j), 3), level.Bound(j));
                learned[level.HyperAt + j] = level.IsHyperLearned(j) ? 1 : 0;
            }

            if (level.Index > 0)
            {
                FillState(upperState.AsSpan(level.StateAt), level.Definition, level.Count);
            }
        }

        // Level 1 recomputes its partials in the reduction where the generator could write that (partials that do
        // not read the weight): its state is double-buffered, each buffer followed by the gradient it was used with.
        GpuLevelKernels<T>? levelOneKernels = depth > 1 ? GpuKernelCatalog.GetLevelKernels<T>(levelOne.Definition) : null;
        (LevelStepKernel<T> Update, RecomputeHypergradientsKernel<T> Reduction)? recomputing =
            levelOneKernels is { StepKeepingInputs: { } update, RecomputeHypergradients: { } reduction } ? (update, reduction) : null;
        int levelOneSlots = levelOne.StateCount + (recomputing is null ? 0 : 1);
        var levelOneState = new T[Math.Max(1, (long)levelOneSlots * parameterCount)];
        FillState(levelOneState, spec.Levels[0].Definition, parameterCount);

        int groupSize = ReductionGroupSize(accelerator);
        int maxBlocks = accelerator.AcceleratorType == AcceleratorType.Cuda ? accelerator.NumMultiprocessors * 4 : 4;
        int blocks = (int)Math.Clamp(((long)parameterCount + groupSize - 1) / groupSize, 1, maxBlocks);
        _reductionConfig = new KernelConfig(blocks, groupSize);

        MemoryBuffer1D<T, Stride1D.Dense> rawBuffer = accelerator.Allocate1D(raw);
        MemoryBuffer1D<T, Stride1D.Dense> initialBuffer = accelerator.Allocate1D(raw);
        MemoryBuffer1D<int, Stride1D.Dense> learnedBuffer = accelerator.Allocate1D(learned);
        MemoryBuffer1D<T, Stride1D.Dense> hypergradientBuffer = accelerator.Allocate1D<T>(raw.Length);
        MemoryBuffer1D<T, Stride1D.Dense> upperStateBuffer = accelerator.Allocate1D(upperState);
        MemoryBuffer1D<T, Stride1D.Dense> upperPartialBuffer = accelerator.Allocate1D<T>(Math.Max(1, plan.TotalUpperPartials));
        MemoryBuffer1D<T, Stride1D.Dense> levelOneStateBuffer = accelerator.Allocate1D(levelOneState);
        MemoryBuffer1D<T, Stride1D.Dense> levelOneInputBuffer = accelerator.Allocate1D<T>(recomputing is null ? 1 : levelOneState.Length);
        MemoryBuffer1D<T, Stride1D.Dense> levelOnePartialBuffer = accelerator.Allocate1D<T>(
            depth > 1 && recomputing is null ? Math.Max(1, (long)levelOne.HyperCount * parameterCount) : 1);
        MemoryBuffer1D<int, Stride1D.Dense> finishBuffer = accelerator.Allocate1D(FinishTable(plan));
        MemoryBuffer1D<double, Stride1D.Dense> blockSumBuffer = accelerator.Allocate1D<double>(Math.Max(1, blocks * levelOne.HyperCount));
        _refusal = accelerator.Allocate1D(Refusal.Clear());
        MemoryBuffer1D<T, Stride1D.Dense> boundBuffer = accelerator.Allocate1D(bounds);
        _bounds = boundBuffer.View;
        _boundHits = accelerator.Allocate1D<int>(raw.Length);
        _boundHits.MemSetToZero();

        // Where EndUpperStep keeps the upper part as the last step taken left it (filled at the end: SaveUpperPart).
        MemoryBuffer1D<T, Stride1D.Dense> savedUpperBuffer = accelerator.Allocate1D<T>(
            depth > 1 ? (2L * raw.Length) + upperState.Length + upperPartialBuffer.Length : 1);
        _savedUpper = savedUpperBuffer.View;
        _endConfig = new KernelConfig(1, Math.Min(TowerKernelMethods<float, SinglePrecision>.EndGroupSize, accelerator.MaxNumThreadsPerGroup));
        _scanThreads = (int)Math.Min(Math.Max(1, parameterCount), GpuLevel<T>.LaunchThreads(accelerator));

        // Zero partials and hypergradients: the first step's hypergradients are zero, as the algorithm requires.
        hypergradientBuffer.MemSetToZero();
        upperPartialBuffer.MemSetToZero();
        levelOnePartialBuffer.MemSetToZero();
        _raw = rawBuffer.View;
        _initialRaw = initialBuffer.View;
        _learned = learnedBuffer.View;
        _hypergradients = hypergradientBuffer.View;
        _upperState = upperStateBuffer.View;
        _upperPartials = upperPartialBuffer.View;
        _finishTable = finishBuffer.View;
        _blockSums = blockSumBuffer.View;

        if (recomputing is { } kernels)
        {
            levelOneInputBuffer.CopyFromCPU(levelOneState);
            _inputs[0] = levelOneStateBuffer.View;
            _inputs[1] = levelOneInputBuffer.View;
            for (int buffer = 0; buffer < 2; buffer++)
            {
                _savedGradients[buffer] = _inputs[buffer].SubView((long)levelOne.StateCount * parameterCount, parameterCount);
            }

            _recomputeHypergradients = accelerator.LoadStreamKernel(kernels.Reduction.Method.CreateDelegate<
                Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int>>());
        }

        _levels = new GpuLevel<T>[depth];
        foreach (LevelPlan level in plan.Levels)
        {
            int hypers = level.HyperCount;
            int at = level.HyperAt;
            var views = new GpuLevelViews<T>(
                _raw.SubView(at, hypers),
                _initialRaw.SubView(at, hypers),
                level.Index == 0 ? levelOneStateBuffer.View : _upperState.SubView(level.StateAt, (long)level.StateCount * level.Count),
                !level.IsLearned ? default : level.Index == 0 ? levelOnePartialBuffer.View : _upperPartials.SubView(level.PartialAt, (long)hypers * level.Count),
                _hypergradients.SubView(at, hypers),
                _learned.SubView(at, hypers),
                _refusal.View);
            _levels[level.Index] = new GpuLevel<T>(accelerator, level, views, level.Index == 0 ? recomputing?.Update : null);
        }

        OptimizerDefinition[] upper = spec.Levels.Skip(1).Select(l => l.Definition).ToArray();
        (UpperLevelsKernel<T> Kernel, int[] Indexes)? dispatcher = depth > 1 ? GpuKernelCatalog.FindDispatcher<T>(upper) : null;
        MemoryBuffer1D<DispatchLevel, Stride1D.Dense> dispatchBuffer = accelerator.Allocate1D(
            dispatcher is { } found ? DispatchLevels(plan, found.Indexes) : [default]);
        _dispatchLevels = dispatcher is null ? default : dispatchBuffer.View;
        if (dispatcher is { } d)
        {
            _upperLevels = accelerator.LoadStreamKernel(d.Kernel.Method.CreateDelegate<
                Action<ArrayView<DispatchLevel>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, int>>());

            // One group; a thread per hyperparameter of the widest level (a warp covers every built-in).
            int widest = plan.Levels.Take(depth - 1).Select(level => level.HyperCount).DefaultIfEmpty(1).Max();
            _upperLevelsConfig = new KernelConfig(1, Math.Clamp(widest, 1, Math.Min(accelerator.WarpSize, accelerator.MaxNumThreadsPerGroup)));
        }

        _buffers =
        [
            rawBuffer, initialBuffer, learnedBuffer, hypergradientBuffer, upperStateBuffer, upperPartialBuffer,
            levelOneStateBuffer, levelOneInputBuffer, levelOnePartialBuffer, finishBuffer, blockSumBuffer, dispatchBuffer,
            _refusal, savedUpperBuffer, boundBuffer, _boundHits,
        ];
        _kernels = new TowerKernels<T>(accelerator);
        SaveUpperPart();
        accelerator.Synchronize();
    }

    /// <summary>The specification the tower was built from.</summary>
    public TowerSpec Spec { get; }

    /// <summary>The number of levels.</summary>
    public int Depth => _levels.Length;

    /// <summary>The number of weights.</summary>
    public int ParameterCount { get; }

    /// <summary>How many hyperparameters all levels have together (what <see cref="CopyRawHyperparameters"/> writes).</summary>
    public int HyperparameterCount { get; }

    /// <summary>
    /// How many steps the tower has taken (enqueued; refused steps count until <see cref="TakeRefusal"/> finds them
    /// and rolls this back).
    /// </summary>
    public int StepCount { get; private set; }

    /// <summary>Whether a step that meets a NaN or an infinity is refused (the constructor's <c>refuseNonFinite</c>).</summary>
    public bool RefusesNonFinite { get; }

    /// <summary>The accelerator the tower runs on.</summary>
    public Accelerator Accelerator => _accelerator;

    /// <summary>
    /// Whether all upper levels run in one launch of the generated dispatcher (their optimizers are all compiled
    /// into one assembly with kernels); otherwise each upper level is its own launch.
    /// </summary>
    public bool UpperLevelsInOneLaunch => _upperLevels is not null;

    /// <summary>
    /// Whether level 1 recomputes its partials in the reduction from its kept inputs (fewer bytes per step) rather
    /// than storing them; the generator writes that wherever the partials do not read the weight.
    /// </summary>
    public bool RecomputesPartials => _recomputeHypergradients is not null;

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
            EnqueueUpperStep(gradients, stepIndex);
        }
        else if (RefusesNonFinite)
        {
            EnqueueGradientScan(gradients, stepIndex, classify: false);
        }

        GpuLevel<T> bottom = _levels[0];
        if (_recomputeHypergradients is not null)
        {
            // Reads the state in _inputs[_parity], writes the new state and keeps the gradient in the other buffer.
            bottom.EnqueueStep(weights, gradients, _inputs[_parity], _inputs[1 - _parity], stepIndex);
            _parity = 1 - _parity;
        }
        else
        {
            bottom.EnqueueStep(weights, gradients, stepIndex);
        }

        StepCount++;
    }

    /// <summary>
    /// Waits for the device and reports the first step refused since the tower was created or last asked (a NaN or an
    /// infinity met; nothing changed from it on), or null when every step was taken. After a refusal, it rolls
    /// <see cref="StepCount"/> back to the last step taken and re-arms the tower: the next <see cref="Step"/>
    /// continues from the state before the refused step, exactly as if the refused steps had never been enqueued.
    /// </summary>
    public GpuStepRefusal? TakeRefusal()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _accelerator.Synchronize();
        _refusal.View.AsContiguous().CopyToCPU(_refusalHost);
        int first = _refusalHost[Refusal.Step];
        if (first == 0)
        {
            return null;
        }

        // Refused steps wrote nothing, but the host switched level 1's double buffers once for each of them.
        int refused = StepCount - first + 1;
        StepCount = first - 1;
        if (_recomputeHypergradients is not null && refused % 2 == 1)
        {
            _parity = 1 - _parity;
        }

        GpuStepRefusal refusal = Describe(first, refused, _refusalHost);
        _refusal.View.AsContiguous().CopyFromCPU(Refusal.Clear());
        return refusal;
    }

    /// <summary>Level 1's hypergradient, every upper level's update top-down, and the checks around them.</summary>
    private void EnqueueUpperStep(ArrayView<T> gradients, int stepIndex)
    {
        if (StepCount == 0)
        {
            // The partials are zero before the first step, and so are the zero-initialised hypergradients: no sum
            // reads the gradients, so they are checked on their own.
            if (RefusesNonFinite)
            {
                EnqueueGradientScan(gradients, stepIndex, classify: false);
            }
        }
        else
        {
            EnqueueHypergradients(gradients, stepIndex);
        }

        if (_upperLevels is not null)
        {
            _upperLevels(
                _upperLevelsConfig, _dispatchLevels, _raw, _initialRaw, _learned, _hypergradients, _upperState, _upperPartials,
                _bounds, _boundHits.View, _refusal.View, stepIndex);
        }
        else
        {
            for (int level = Depth - 1; level >= 1; level--)
            {
                GpuLevel<T> lower = _levels[level - 1];
                _levels[level].EnqueueStep(lower.Views.Raw, lower.Views.Hypergradient, stepIndex);
                if (lower.Plan.IsBounded)
                {
                    // A refused step's clamps act on values that EndUpperStep puts back; only their counts stay.
                    int at = lower.Plan.HyperAt;
                    _kernels.ApplyBounds(lower.HyperCount, lower.Views.Raw, _bounds.SubView(3 * at, 3 * lower.HyperCount), _boundHits.View.SubView(at, lower.HyperCount));
                }

                if (lower.Plan.HoldsSome)
                {
                    _kernels.HoldInactive(lower.HyperCount, lower.Views.Raw, lower.Views.InitialRaw, lower.Views.Learned);
                }
            }
        }

        if (RefusesNonFinite)
        {
            // Level 1's update reads the hyperparameters next: a value that is not finite refuses the step first, and
            // a refused step's upper part goes back to what the last step taken left.
            _kernels.EndUpperStep(_endConfig, _raw, _hypergradients, _upperState, _upperPartials, _savedUpper, _refusal.View, stepIndex);
        }
    }

    /// <summary>Level 1's hypergradient from the partials of the previous step, and every level's above it.</summary>
    private void EnqueueHypergradients(ArrayView<T> gradients, int stepIndex)
    {
        GpuLevel<T> bottom = _levels[0];
        if (_recomputeHypergradients is not null)
        {
            // The previous update read the state in _inputs[1 - _parity] and kept its gradient in _inputs[_parity];
            // level 1's raw hyperparameters are still the ones it used (the upper levels run after this).
            _recomputeHypergradients(
                _reductionConfig, gradients, _inputs[1 - _parity], _savedGradients[_parity], bottom.Views.Raw, _blockSums, ParameterCount, StepCount);
        }
        else
        {
            EnqueueStoredPartialDots(gradients, bottom);
        }

        _kernels.FinishHypergradients(
            1, _blockSums, _reductionConfig.GridDim.X, _finishTable, Depth - 1, _hypergradients, _learned, _upperPartials,
            _refusal.View, RefusesNonFinite ? stepIndex : 0);
        if (RefusesNonFinite)
        {
            // Only when level 1's hypergradient refused the step: was it a gradient (and which), or the previous step?
            EnqueueGradientScan(gradients, stepIndex, classify: true);
        }
    }

    /// <summary>
    /// Threads of the scan that only looks when level 1's hypergradient refused the step: few, since every step
    /// launches it and almost every step it returns at once; a refused step's scan is slower, and rare.
    /// </summary>
    private const int ClassifyingThreads = 8192;

    private void EnqueueGradientScan(ArrayView<T> gradients, int stepIndex, bool classify)
    {
        if (ParameterCount > 0)
        {
            int threads = classify ? Math.Min(_scanThreads, ClassifyingThreads) : _scanThreads;
            _kernels.ScanGradients(threads, gradients, ParameterCount, threads, _refusal.View, stepIndex, _plan.Levels[0].HyperCount, classify ? 1 : 0);
        }
    }

    /// <summary>The refusal record in the words of <see cref="Tower{T}"/>'s <see cref="NonFiniteStepException"/>.</summary>
    private GpuStepRefusal Describe(int step, int refused, int[] record)
    {
        int quantity = record[Refusal.Quantity];
        int packed = record[Refusal.Hyperparameter];
        int parameter = record[Refusal.Parameter];
        string steps = refused == 1 ? $"step {step} was refused" : $"steps {step} to {step + refused - 1} were refused";
        string outcome = $"{steps} and changed nothing.";

        // A level-1 hypergradient with a non-finite gradient behind it: report the gradient, as the CPU tower does.
        if (quantity == Refusal.Gradient || (quantity == Refusal.Hypergradient && packed < _plan.Levels[0].HyperCount && parameter != Refusal.None))
        {
            return new GpuStepRefusal(
                step, refused, NonFiniteQuantity.Gradient, 1, null, parameter,
                $"{NonFiniteStepException.Describe(NonFiniteQuantity.Gradient, 0, null, $"Gradient {parameter}")}: {outcome}");
        }

        int level = 0;
        while (level + 1 < Depth && packed >= _plan.Levels[level + 1].HyperAt)
        {
            level++;
        }

        string name = _levels[level].Definition.HyperParameters[packed - _plan.Levels[level].HyperAt].Name;
        var what = (NonFiniteQuantity)quantity;
        return new GpuStepRefusal(step, refused, what, level + 1, name, null, $"{NonFiniteStepException.Describe(what, level, name, null)}: {outcome}");
    }

    /// <summary>Level 1's block sums from the partials its previous update stored.</summary>
    private void EnqueueStoredPartialDots(ArrayView<T> gradients, GpuLevel<T> bottom)
    {
        for (int first = 0; first < bottom.HyperCount; first += TowerKernels<T>.HypersPerPass)
        {
            int passCount = Math.Min(TowerKernels<T>.HypersPerPass, bottom.HyperCount - first);
            _kernels.BlockDots(
                _reductionConfig, gradients, bottom.Views.Partials, _blockSums, ParameterCount, bottom.HyperCount, first, passCount);
        }
    }

    /// <summary>
    /// Copies the hyperparameters of the level at <paramref name="index"/> to the host, in the user's domain; waits
    /// for the steps enqueued so far. A separate call, so steps never synchronise.
    /// </summary>
    /// <param name="index">0-based, as <see cref="Tower{T}.Levels"/>: 0 is the level that trains the weights.</param>
    public double[] ReadHyperparameters(int index)
    {
        double[] raw = ReadRawHyperparameters(index);
        OptimizerDefinition definition = _levels[index].Definition;
        for (int j = 0; j < raw.Length; j++)
        {
            raw[j] = HyperDomains.FromRaw(definition.HyperParameters[j].Domain, raw[j]);
        }

        return raw;
    }

    /// <summary>Copies the raw (learned) hyperparameters of the level at <paramref name="index"/> to the host; waits for the device.</summary>
    /// <param name="index">0-based, as <see cref="Tower{T}.Levels"/>: 0 is the level that trains the weights.</param>
    public double[] ReadRawHyperparameters(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Depth);
        GpuLevel<T> state = _levels[index];
        var values = new T[state.HyperCount];
        _accelerator.Synchronize();
        state.Views.Raw.CopyToCPU(values);
        return values.Select(double.CreateTruncating).ToArray();
    }

    /// <summary>
    /// How many times each hyperparameter of the level at <paramref name="index"/> was moved back to a bound (see
    /// <see cref="TowerLevel.GetBoundHits"/>); waits for the device.
    /// </summary>
    /// <param name="index">0-based, as <see cref="Tower{T}.Levels"/>: 0 is the level that trains the weights.</param>
    public long[] ReadBoundHits(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Depth);
        var hits = new int[_levels[index].HyperCount];
        _accelerator.Synchronize();
        _boundHits.View.SubView(_plan.Levels[index].HyperAt, hits.Length).CopyToCPU(hits);
        return hits.Select(count => (long)count).ToArray();
    }

    /// <summary>
    /// Enqueues a device-to-device copy of every level's raw hyperparameters, level 1 first and each level's in
    /// declaration order, into <paramref name="destination"/>, and returns without waiting. A trainer that logs the
    /// hyperparameters after every step copies them into a device log this way and reads the log back once for
    /// many steps, instead of synchronising every step as <see cref="ReadRawHyperparameters"/> does.
    /// </summary>
    /// <param name="destination">On the accelerator; exactly <see cref="HyperparameterCount"/> long.</param>
    public void CopyRawHyperparameters(ArrayView<T> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != HyperparameterCount)
        {
            throw new ArgumentException(
                $"The tower has {HyperparameterCount} hyperparameters; the destination holds {destination.Length}.", nameof(destination));
        }

        if (HyperparameterCount > 0)
        {
            _raw.SubView(0, HyperparameterCount).CopyTo(destination);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (MemoryBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
    }

    private static void FillState(Span<T> state, OptimizerDefinition definition, int count)
    {
        for (int k = 0; k < definition.StateVariables.Count; k++)
        {
            state.Slice(k * count, count).Fill(T.CreateTruncating(definition.StateVariables[k].Initial));
        }
    }

    /// <summary>
    /// One hyperparameter's bound as the kernels read it: low and high in the raw domain (infinite where there is
    /// none), rounded to T, and 1 where the bound is on the raw value's magnitude (the squared domain).
    /// </summary>
    internal static void SetBound(Span<T> entry, RawBound bound)
    {
        entry[0] = T.CreateTruncating(bound.Low);
        entry[1] = T.CreateTruncating(bound.High);
        entry[2] = bound.OnMagnitude ? T.One : T.Zero;
    }

    /// <inheritdoc cref="SetBound(Span{T}, RawBound)"/>
    internal static void SetBound(Span<T> entry, HyperBound bound, HyperDomain domain) => SetBound(entry, RawBound.From(bound, domain));

    /// <summary>Per learned level: count, hyperparameters, hypergradient offset, partial offset (for the one-thread finish).</summary>
    private static int[] FinishTable(TowerPlan plan)
    {
        int learnedLevels = plan.Depth - 1;
        var table = new int[Math.Max(1, learnedLevels * FinishStride)];
        for (int level = 0; level < learnedLevels; level++)
        {
            LevelPlan entry = plan.Levels[level];
            table[level * FinishStride] = entry.Count;
            table[(level * FinishStride) + 1] = entry.HyperCount;
            table[(level * FinishStride) + 2] = entry.HyperAt;
            table[(level * FinishStride) + 3] = entry.PartialAt;
        }

        return table;
    }

    /// <summary>The generated dispatcher's entries, one per upper level, level 2 first.</summary>
    private static DispatchLevel[] DispatchLevels(TowerPlan plan, int[] indexes)
    {
        var levels = new DispatchLevel[plan.Depth - 1];
        for (int level = 1; level < plan.Depth; level++)
        {
            LevelPlan entry = plan.Levels[level];
            LevelPlan below = plan.Levels[level - 1];
            levels[level - 1] = new DispatchLevel(
                optimizer: indexes[level - 1],
                count: entry.Count,
                belowAt: below.HyperAt,
                stateAt: entry.StateAt,
                stateLength: entry.StateCount * entry.Count,
                partialAt: entry.IsLearned ? entry.PartialAt : 0,
                partialLength: entry.IsLearned ? entry.HyperCount * entry.Count : 0,
                rawAt: entry.HyperAt,
                hyperCount: entry.HyperCount,
                belowHoldsSome: below.HoldsSome,
                belowBounded: below.IsBounded);
        }

        return levels;
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
