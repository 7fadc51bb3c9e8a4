using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <summary>The optimizer-independent kernels of a <see cref="GpuTower{T}"/>, loaded once for precision T.</summary>
internal sealed class TowerKernels<T>
    where T : unmanaged
{
    public const int HypersPerPass = TowerKernelMethods<float, SinglePrecision>.HypersPerPass;

    public const int GroupSize = TowerKernelMethods<float, SinglePrecision>.GroupSize;

    public TowerKernels(Accelerator accelerator)
    {
        Loaded kernels = typeof(T) == typeof(float)
            ? (Loaded)(object)Load<float, SinglePrecision>(accelerator)
            : (Loaded)(object)Load<double, DoublePrecision>(accelerator);
        (BlockDots, FinishHypergradients, HoldInactive, ApplyBounds, ScanGradients, EndUpperStep) = kernels;
    }

    /// <summary>Level 1's hypergradient block sums (explicitly grouped: it reduces in shared memory).</summary>
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int> BlockDots { get; }

    /// <summary>One thread finishing level 1's hypergradient and chaining the others, refusing the step on a non-finite one.</summary>
    public Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<int>, int> FinishHypergradients { get; }

    /// <summary>Restores the hyperparameters that are not learned.</summary>
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> HoldInactive { get; }

    /// <summary>Clamps a level's hyperparameters to their bounds and counts the hits.</summary>
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> ApplyBounds { get; }

    /// <summary>Looks for non-finite gradients (or, classifying, which one made level 1's hypergradient non-finite).</summary>
    public Action<Index1D, ArrayView<T>, int, int, ArrayView<int>, int, int, int> ScanGradients { get; }

    /// <summary>
    /// Refuses the step when an upper level wrote a hyperparameter that is not finite, then puts back the upper part
    /// saved after the last step taken, or saves it (explicitly grouped: one group).
    /// </summary>
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, int> EndUpperStep { get; }

    /// <summary>The kernels for one precision, as the properties hold them.</summary>
    private sealed record Loaded(
        Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int> BlockDots,
        Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<int>, int> FinishHypergradients,
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> HoldInactive,
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> ApplyBounds,
        Action<Index1D, ArrayView<T>, int, int, ArrayView<int>, int, int, int> ScanGradients,
        Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, int> EndUpperStep);

    /// <summary>
    /// Loads the kernels for <typeparamref name="TValue"/>, which is T (the caller checked): the record is retyped
    /// through object, as C# cannot see that the two type parameters are the same.
    /// </summary>
    private static TowerKernels<TValue>.Loaded Load<TValue, TPrecision>(Accelerator accelerator)
        where TValue : unmanaged
        where TPrecision : struct, IPrecision<TValue> => new(
            accelerator.LoadStreamKernel<ArrayView<TValue>, ArrayView<TValue>, ArrayView<double>, int, int, int, int>(
                TowerKernelMethods<TValue, TPrecision>.BlockDots),
            accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<TValue>, ArrayView<int>, ArrayView<TValue>, ArrayView<int>, int>(
                TowerKernelMethods<TValue, TPrecision>.FinishHypergradients),
            accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<TValue>, ArrayView<TValue>, ArrayView<int>>(
                TowerKernelMethods<TValue, TPrecision>.HoldInactive),
            accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<TValue>, ArrayView<TValue>, ArrayView<int>>(
                TowerKernelMethods<TValue, TPrecision>.ApplyBounds),
            accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<TValue>, int, int, ArrayView<int>, int, int, int>(
                TowerKernelMethods<TValue, TPrecision>.ScanGradients),
            accelerator.LoadStreamKernel<ArrayView<TValue>, ArrayView<TValue>, ArrayView<TValue>, ArrayView<TValue>, ArrayView<TValue>, ArrayView<int>, int>(
                TowerKernelMethods<TValue, TPrecision>.EndUpperStep));
}
