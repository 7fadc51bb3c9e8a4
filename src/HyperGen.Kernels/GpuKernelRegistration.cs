using System.ComponentModel;

namespace HyperGen.Kernels;

/// <summary>
/// Generated next to an optimizer's ILGPU kernels (the nested <c>Gpu.Registration</c>) in assemblies that reference
/// HyperGen.Kernels, and named by the assembly's <see cref="GpuKernelsAttribute"/>: the optimizer's definition and
/// its kernels as typed delegates, so a kernel whose signature does not match is a compile error of the generated
/// code, not a failure when a tower looks it up.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GpuKernelRegistration
{
    /// <summary>The optimizer whose kernels these are.</summary>
    public abstract OptimizerDefinition Definition { get; }

    /// <summary>The single-precision kernels.</summary>
    public abstract GpuLevelKernels<float> Single { get; }

    /// <summary>The double-precision kernels.</summary>
    public abstract GpuLevelKernels<double> Double { get; }
}
