using System;
using System.Reflection;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The tower's kernels compiled to PTX without a device: ILGPU's CPU accelerator runs a kernel's .NET code as it is,
/// so only this shows that the CUDA back end accepts them, the runtime's <see cref="TowerRules"/> included, which the
/// kernels and the generated dispatcher call across assemblies.
/// </summary>
public sealed class CudaCompileTests : IDisposable
{
    private readonly Context _context = Context.Create(builder => builder.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
    private readonly PTXBackend _backend;

    public CudaCompileTests()
    {
        _backend = new PTXBackend(_context, new CudaCapabilityContext(CudaArchitecture.SM_75), CudaArchitecture.SM_75, CudaInstructionSet.ISA_75, nvvmAPI: null);
    }

    public void Dispose()
    {
        _backend.Dispose();
        _context.Dispose();
    }

    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(double))]
    public void The_bound_and_hold_kernels_compile_for_cuda(Type precision)
    {
        Type methods = typeof(GpuTower<>).Assembly.GetType("HyperGen.Kernels.TowerKernelMethods`2")!
            .MakeGenericType(precision, precision == typeof(float) ? typeof(SinglePrecision) : typeof(DoublePrecision));

        AssertCompiles(methods.GetMethod(nameof(TowerKernelMethods<float, SinglePrecision>.ApplyBounds))!, grouped: false);
        AssertCompiles(methods.GetMethod(nameof(TowerKernelMethods<float, SinglePrecision>.HoldInactive))!, grouped: false);
    }

    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(double))]
    public void The_hypergradient_chaining_kernel_compiles_for_cuda(Type precision)
    {
        // It calls the runtime's TowerRules.AddInBlockOrder and ChainedSum through DeviceValues, constrained calls
        // on a struct: what the CPU tower calls with HostValues.
        Type methods = typeof(GpuTower<>).Assembly.GetType("HyperGen.Kernels.TowerKernelMethods`2")!
            .MakeGenericType(precision, precision == typeof(float) ? typeof(SinglePrecision) : typeof(DoublePrecision));

        AssertCompiles(methods.GetMethod(nameof(TowerKernelMethods<float, SinglePrecision>.FinishHypergradients))!, grouped: false);
    }

    [Theory]
    [InlineData("UpperLevelsSingle")]
    [InlineData("UpperLevelsDouble")]
    public void The_built_in_dispatcher_compiles_for_cuda(string name)
    {
        Type dispatcher = typeof(GpuTower<>).Assembly.GetType("HyperGen.Generated.HyperGenGpuDispatcher")!;
        AssertCompiles(dispatcher.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!, grouped: true);
    }

    [Fact]
    public void A_kernel_the_cuda_back_end_cannot_compile_fails_here()
    {
        // The control: what the CPU accelerator would run (an allocation) is refused by the CUDA back end.
        MethodInfo allocating = typeof(CudaCompileTests).GetMethod(nameof(Allocating), BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.ThrowsAny<Exception>(() => AssertCompiles(allocating, grouped: false));
    }

    private static void Allocating(Index1D index, ArrayView<int> values) => values[index] = new int[index + 1].Length;

    private void AssertCompiles(MethodInfo kernel, bool grouped)
    {
        EntryPointDescription entry = grouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        CompiledKernel compiled = _backend.Compile(entry, default);
        var ptx = Assert.IsType<PTXCompiledKernel>(compiled);
        Assert.Contains(".entry", ptx.PTXAssembly, StringComparison.Ordinal);
    }
}
