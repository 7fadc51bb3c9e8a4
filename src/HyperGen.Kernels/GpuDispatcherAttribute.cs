using System;
using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// Written by the HyperGen generator into assemblies that reference HyperGen.Kernels: names the generated kernel
/// that runs all upper levels of a tower in one launch, and the optimizers it knows, in the order of their indexes.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuDispatcherAttribute : Attribute
{
    /// <summary>Records the dispatcher and its optimizers.</summary>
    /// <param name="dispatcherType">The generated class with <c>UpperLevelsSingle</c> and <c>UpperLevelsDouble</c>.</param>
    /// <param name="optimizerTypes">The optimizer classes; index i in the level table means optimizerTypes[i].</param>
    public GpuDispatcherAttribute(Type dispatcherType, params Type[] optimizerTypes)
    {
        DispatcherType = dispatcherType;
        OptimizerTypes = optimizerTypes;
    }

    /// <summary>The generated class holding the dispatcher kernels.</summary>
    public Type DispatcherType { get; }

    /// <summary>The optimizer classes, in the order of their indexes.</summary>
    public Type[] OptimizerTypes { get; }
}
