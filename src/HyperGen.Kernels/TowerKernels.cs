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
        if (typeof(T) == typeof(float))
        {
            (BlockDots, FinishHypergradients, HoldInactive) = Load<float, SinglePrecision>(accelerator);
        }
        else
        {
            (BlockDots, FinishHypergradients, HoldInactive) = Load<double, DoublePrecision>(accelerator);
        }
    }

    /// <summary>Level 1's hypergradient block sums (explicitly grouped: it reduces in shared memory).</summary>
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int> BlockDots { get; }

    /// <summary>One thread finishing level 1's hypergradient and chaining the others.</summary>
    public Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>> FinishHypergradients { get; }

    /// <summary>Restores the hyperparameters that are not learned.</summary>
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> HoldInactive { get; }

    /// <summary>
    /// Loads the kernels for <typeparamref name="TValue"/>, which is T (the caller checked): the delegates are retyped
    /// through object, as C# cannot see that the two type parameters are the same.
    /// </summary>
    private static (
        Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int> BlockDots,
        Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>> FinishHypergradients,
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> HoldInactive) Load<TValue, TPrecision>(Accelerator accelerator)
        where TValue : unmanaged
        where TPrecision : struct, IPrecision<TValue>
    {
        var blockDots = accelerator.LoadStreamKernel<ArrayView<TValue>, ArrayView<TValue>, ArrayView<double>, int, int, int, int>(
            TowerKernelMethods<TValue, TPrecision>.BlockDots);
        var finish = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<TValue>, ArrayView<int>, ArrayView<TValue>>(
            TowerKernelMethods<TValue, TPrecision>.FinishHypergradients);
        var hold = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<TValue>, ArrayView<TValue>, ArrayView<int>>(
            TowerKernelMethods<TValue, TPrecision>.HoldInactive);
        return (
            (Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int>)(object)blockDots,
            (Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>>)(object)finish,
            (Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>>)(object)hold);
    }
}
