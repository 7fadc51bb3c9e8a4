using System;
using HyperGen.Kernels;

namespace HyperGen.Tests.Gpu;

/// <summary>One ILGPU CPU accelerator shared by the GPU tests: creating a context and compiling kernels is the slow part.</summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public GpuDevice Device { get; } = GpuDevice.OpenCpu();

    public void Dispose() => Device.Dispose();
}
