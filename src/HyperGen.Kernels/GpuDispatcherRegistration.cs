using System.Collections.Generic;
using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// Generated with the upper-level dispatcher (<c>HyperGenGpuDispatcher.Registration</c>) in assemblies that reference
/// HyperGen.Kernels, and named by the assembly's <see cref="GpuDispatcherAttribute"/>: the dispatcher kernels as
/// typed delegates and the optimizers they switch over, in the order of their indexes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GpuDispatcherRegistration
{
    /// <summary>The optimizers the dispatcher steps: index i in the level table (<see cref="DispatchLevel.Optimizer"/>) is Optimizers[i].</summary>
    public abstract IReadOnlyList<OptimizerDefinition> Optimizers { get; }

    /// <summary>The single-precision dispatcher.</summary>
    public abstract UpperLevelsKernel<float> Single { get; }

    /// <summary>The double-precision dispatcher.</summary>
    public abstract UpperLevelsKernel<double> Double { get; }
}
