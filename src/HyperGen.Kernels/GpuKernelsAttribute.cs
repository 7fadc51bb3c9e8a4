using System;
using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// Written by the HyperGen generator into assemblies that reference HyperGen.Kernels: names the generated
/// <see cref="GpuKernelRegistration"/> of one optimizer, so a <see cref="GpuTower{T}"/> can find its kernels.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuKernelsAttribute : Attribute
{
    /// <summary>Records where an optimizer's kernels are registered.</summary>
    /// <param name="registrationType">The generated class deriving from <see cref="GpuKernelRegistration"/>.</param>
    public GpuKernelsAttribute(Type registrationType)
    {
        RegistrationType = registrationType;
    }

    /// <summary>The generated class deriving from <see cref="GpuKernelRegistration"/>.</summary>
    public Type RegistrationType { get; }
}
