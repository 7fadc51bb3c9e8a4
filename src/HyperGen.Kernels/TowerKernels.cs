using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Kernels;

/// <summary>The optimizer-independent kernels of a <see cref="GpuTower{T}"/>, loaded once for precision T.</summary>
internal sealed class TowerKernels<T>
    where T : unmanaged
{
    public const int HypersPerPass = SingleTowerKernels.HypersPerPass;

    public const int GroupSize = SingleTowerKernels.GroupSize;

    public TowerKernels(Accelerator accelerator)
    {
        if (typeof(T) == typeof(float))
        {
            BlockDots = accelerator.LoadStreamKernel(Cast<Action<ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int>>(
                (Action<ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int, int, int>)SingleTowerKernels.BlockDots));
            FinishHypergradients = accelerator.LoadAutoGroupedStreamKernel(Cast<Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>>>(
                (Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<float>, ArrayView<int>, ArrayView<float>>)SingleTowerKernels.FinishHypergradients));
            HoldInactive = accelerator.LoadAutoGroupedStreamKernel(Cast<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>>>(
                (Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>>)SingleTowerKernels.HoldInactive));
        }
        else
        {
            BlockDots = accelerator.LoadStreamKernel(Cast<Action<ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int>>(
                (Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int, int>)DoubleTowerKernels.BlockDots));
            FinishHypergradients = accelerator.LoadAutoGroupedStreamKernel(Cast<Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>>>(
                (Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<double>, ArrayView<int>, ArrayView<double>>)DoubleTowerKernels.FinishHypergradients));
            HoldInactive = accelerator.LoadAutoGroupedStreamKernel(Cast<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>>>(
                (Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<int>>)DoubleTowerKernels.HoldInactive));
        }
    }

    /// <summary>Level 1's hypergradient block sums (explicitly grouped: it reduces in shared memory).</summary>
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, int, int> BlockDots { get; }

    /// <summary>One thread finishing level 1's hypergradient and chaining the others.</summary>
    public Action<Index1D, ArrayView<double>, int, ArrayView<int>, int, ArrayView<T>, ArrayView<int>, ArrayView<T>> FinishHypergradients { get; }

    /// <summary>Restores the hyperparameters that are not learned.</summary>
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>> HoldInactive { get; }

    /// <summary>The delegate for T's precision is the one written for float or double: the same object, retyped.</summary>
    private static TDelegate Cast<TDelegate>(Delegate kernel)
        where TDelegate : Delegate => (TDelegate)kernel;
}
