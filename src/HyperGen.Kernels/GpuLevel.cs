using System;
using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <summary>
/// One level of a <see cref="GpuTower{T}"/>: views of its slices of the tower's device buffers (raw hyperparameters,
/// state, partials recorded for the level above, hypergradient, learned flags) and its optimizer's loaded kernel.
/// </summary>
internal sealed class GpuLevel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, int, int, int> _step;
    private readonly int _threads;

    /// <param name="accelerator">Where the kernel runs.</param>
    /// <param name="plan">The level's sizes and hyperparameters in the tower's plan.</param>
    /// <param name="views">Its slices of the tower's buffers.</param>
    /// <param name="kernel">The kernel to run instead of the plain or partial-recording step (level 1's input-keeping update).</param>
    public GpuLevel(Accelerator accelerator, LevelPlan plan, GpuLevelViews<T> views, LevelStepKernel<T>? kernel = null)
    {
        Plan = plan;
        Views = views;
        if (kernel is null)
        {
            GpuLevelKernels<T> kernels = GpuKernelCatalog.GetLevelKernels<T>(plan.Definition);
            kernel = plan.IsLearned ? kernels.StepWithPartials : kernels.Step;
        }

        _step = accelerator.LoadAutoGroupedStreamKernel(Launchable(kernel));
        _threads = (int)Math.Min(Count, LaunchThreads(accelerator));
    }

    /// <summary>The level in the tower's plan: its count, hyperparameters, offsets, learned flags and bounds.</summary>
    public LevelPlan Plan { get; }

    public OptimizerDefinition Definition => Plan.Definition;

    public int Count => Plan.Count;

    public int HyperCount => Plan.HyperCount;

    public GpuLevelViews<T> Views { get; }

    /// <summary>Enqueues this level's update of <paramref name="values"/> (weights or the raw hyperparameters below).</summary>
    public void EnqueueStep(ArrayView<T> values, ArrayView<T> gradients, int stepIndex) =>
        EnqueueStep(values, gradients, Views.State, Views.Partials, stepIndex);

    /// <summary>Enqueues the update with explicit state and partial (or state-out) views: level 1 double-buffers its inputs.</summary>
    public void EnqueueStep(ArrayView<T> values, ArrayView<T> gradients, ArrayView<T> state, ArrayView<T> partials, int stepIndex)
    {
        if (Count > 0)
        {
            _step(_threads, values, gradients, state, partials, Views.Raw, Views.Refusal, Count, stepIndex, _threads);
        }
    }

    /// <summary>The kernel as the delegate type ILGPU's loader takes: the same static method, whose signature the generated code's compilation checked.</summary>
    internal static Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, int, int, int> Launchable(LevelStepKernel<T> kernel) =>
        kernel.Method.CreateDelegate<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, int, int, int>>();

    /// <summary>
    /// Threads per launch: enough to fill a CUDA device (every multiprocessor at full occupancy); each walks the
    /// elements with a grid stride. On the CPU accelerator few, so the tests cover the stride.
    /// </summary>
    internal static long LaunchThreads(Accelerator accelerator) =>
        accelerator.AcceleratorType == AcceleratorType.Cuda
            ? (long)accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor
            : 1024;
}

/// <summary>A level's slices of the tower's buffers (empty views where the level has none), and the tower's refusal record.</summary>
internal readonly record struct GpuLevelViews<T>(
    ArrayView<T> Raw, ArrayView<T> InitialRaw, ArrayView<T> State, ArrayView<T> Partials, ArrayView<T> Hypergradient, ArrayView<int> Learned,
    ArrayView<int> Refusal)
    where T : unmanaged;
