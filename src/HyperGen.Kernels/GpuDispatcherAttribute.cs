using System;
using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// Written by the HyperGen generator into assemblies that reference HyperGen.Kernels: names the generated
/// <see cref="GpuDispatcherRegistration"/>, the kernel that runs all upper levels of a tower in one launch and the
/// optimizers it knows.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuDispatcherAttribute : Attribute
{
    /// <summary>Records where the dispatcher is registered.</summary>
    /// <param name="registrationType">The generated class deriving from <see cref="GpuDispatcherRegistration"/>.</param>
    public GpuDispatcherAttribute(Type registrationType)
    {
        RegistrationType = registrationType;
    }

    /// <summary>The generated class deriving from <see cref="GpuDispatcherRegistration"/>.</summary>
    public Type RegistrationType { get; }
}
