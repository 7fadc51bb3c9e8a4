using System;
using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// Written by the HyperGen generator into assemblies that reference HyperGen.Kernels: names the class that holds an
/// optimizer's generated ILGPU kernels, so a <see cref="GpuTower{T}"/> can find them.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuKernelsAttribute : Attribute
{
    /// <summary>Records where the kernels of <paramref name="optimizerType"/> are.</summary>
    /// <param name="optimizerType">The class holding the <c>[HyperOptimize]</c> step.</param>
    /// <param name="kernelsType">Its generated nested <c>Gpu</c> class.</param>
    public GpuKernelsAttribute(Type optimizerType, Type kernelsType)
    {
        OptimizerType = optimizerType;
        KernelsType = kernelsType;
    }

    /// <summary>The class holding the <c>[HyperOptimize]</c> step.</summary>
    public Type OptimizerType { get; }

    /// <summary>The generated class holding the kernels.</summary>
    public Type KernelsType { get; }
}
