using System;
using System.Numerics;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <summary>
/// One level of a <see cref="GpuTower{T}"/> on the device: raw hyperparameters, per-element state, the partials
/// recorded for the level above, its hypergradient, and the loaded generated kernel of its optimizer.
/// </summary>
internal sealed class GpuLevel<T> : IDisposable
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _raw;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _initialRaw;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _state;
    private readonly MemoryBuffer1D<T, Stride1D.Dense>? _ownPartials;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int> _step;
    private readonly ArrayView<T> _stateView;
    private readonly int _threads;

    /// <param name="accelerator">Where the buffers live.</param>
    /// <param name="spec">The level's optimizer and initial hyperparameters.</param>
    /// <param name="count">The elements it updates: the weights at level 1, the hyperparameters below otherwise.</param>
    /// <param name="learnedByLevelAbove">Whether a level above learns its hyperparameters (all but the top).</param>
    /// <param name="upperPartials">Above level 1, its slice of the tower's packed partials.</param>
    /// <param name="hypergradient">Its slice of the tower's packed hypergradients (learned levels).</param>
    /// <param name="learned">The tower's packed learned flags, filled here from <paramref name="learnedAt"/>.</param>
    /// <param name="learnedAt">Where this level's flags start in <paramref name="learned"/>.</param>
    public GpuLevel(
        Accelerator accelerator, LevelSpec spec, int count, bool learnedByLevelAbove,
        ArrayView<T> upperPartials, ArrayView<T> hypergradient, int[] learned, int learnedAt)
    {
        Definition = spec.Definition;
        Count = count;
        HyperCount = Definition.HyperParameters.Count;
        var raw = new T[Math.Max(1, HyperCount)];
        for (int j = 0; j < HyperCount; j++)
        {
            HyperParameterInfo info = Definition.HyperParameters[j];
            double initial = spec.InitialValues[j];
            raw[j] = T.CreateTruncating(HyperDomains.ToRaw(info.Domain, initial));
            bool isLearned = learnedByLevelAbove && !(info.InactiveAtZero && initial == 0);
            if (learnedByLevelAbove)
            {
                learned[learnedAt + j] = isLearned ? 1 : 0;
                HasInactiveHyperparameters |= !isLearned;
            }
        }

        _raw = accelerator.Allocate1D(raw);
        _initialRaw = accelerator.Allocate1D(raw);

        int stateCount = Definition.StateVariables.Count;
        var state = new T[Math.Max(1, stateCount * (long)count)];
        for (int k = 0; k < stateCount; k++)
        {
            state.AsSpan(k * count, count).Fill(T.CreateTruncating(Definition.StateVariables[k].Initial));
        }

        _state = accelerator.Allocate1D(state);
        _stateView = _state.View;

        if (learnedByLevelAbove && upperPartials.Length == 0 && HyperCount > 0 && count > 0)
        {
            // Level 1's partials: H per weight, zero so that the first step's hypergradients are zero.
            _ownPartials = accelerator.Allocate1D<T>((long)HyperCount * count);
            _ownPartials.MemSetToZero();
            Partials = _ownPartials.View;
        }
        else
        {
            Partials = upperPartials;
        }

        Hypergradient = hypergradient;
        MethodInfo kernel = GpuKernelCatalog.GetLevelKernel(Definition, typeof(T), withPartials: learnedByLevelAbove);
        var step = kernel.CreateDelegate<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int>>();
        _step = accelerator.LoadAutoGroupedStreamKernel(step);
        _threads = (int)Math.Min(count, LaunchThreads(accelerator));
    }

    /// <summary>
    /// Threads per launch: enough to fill a CUDA device (every multiprocessor at full occupancy); each walks the
    /// elements with a grid stride. On the CPU accelerator few, so the tests cover the stride.
    /// </summary>
    private static long LaunchThreads(Accelerator accelerator) =>
        accelerator.AcceleratorType == AcceleratorType.Cuda
            ? (long)accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor
            : 1024;

    public OptimizerDefinition Definition { get; }

    public int Count { get; }

    public int HyperCount { get; }

    public ArrayView<T> Raw => _raw.View;

    public ArrayView<T> InitialRaw => _initialRaw.View;

    public ArrayView<T> Partials { get; }

    public ArrayView<T> Hypergradient { get; }

    /// <summary>Per hyperparameter, 1 when the level above learns it (learned levels only).</summary>
    public ArrayView<int> Learned { get; private set; }

    /// <summary>Whether some hyperparameter is held at its initial value (momentum that starts at 0).</summary>
    public bool HasInactiveHyperparameters { get; }

    public void SetLearnedView(ArrayView<int> learned) => Learned = learned;

    /// <summary>Enqueues this level's update of <paramref name="values"/> (weights or the raw hyperparameters below).</summary>
    public void EnqueueStep(ArrayView<T> values, ArrayView<T> gradients, int stepIndex)
    {
        if (Count > 0)
        {
            _step(_threads, values, gradients, _stateView, Partials, _raw.View, Count, stepIndex, _threads);
        }
    }

    public void Dispose()
    {
        _raw.Dispose();
        _initialRaw.Dispose();
        _state.Dispose();
        _ownPartials?.Dispose();
    }
}
