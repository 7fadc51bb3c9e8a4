using System;
using System.Linq;
using System.Reflection;
using HyperGen.Kernels;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// HyperGen.Kernels holds the built-ins' GPU kernels only: the generator reads the runtime's optimizer files as
/// additional files and writes their GPU half, registered for the runtime's own definitions, and compiles none of
/// their CPU half a second time.
/// </summary>
public sealed class BuiltInGpuKernelsTests
{
    private static readonly Assembly Kernels = typeof(GpuTower<>).Assembly;

    [Fact]
    public void Every_built_in_has_gpu_kernels_registered_for_the_runtimes_own_definition()
    {
        OptimizerDefinition[] registered = Kernels.GetCustomAttributes<GpuKernelsAttribute>()
            .Select(attribute => ((GpuKernelRegistration)Activator.CreateInstance(attribute.RegistrationType)!).Definition)
            .ToArray();

        Assert.NotEmpty(OptimizerCatalog.BuiltIn.Definitions);
        foreach (OptimizerDefinition definition in OptimizerCatalog.BuiltIn.Definitions)
        {
            Assert.Single(registered, candidate => ReferenceEquals(candidate, definition));
        }
    }

    [Fact]
    public void No_cpu_half_of_a_built_in_is_compiled_into_the_kernels_assembly()
    {
        Type[] types = Kernels.GetTypes();

        Assert.DoesNotContain(types, type => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStepKernel<>)));
        Assert.DoesNotContain(types, type => typeof(OptimizerDefinition).IsAssignableFrom(type));
        Assert.Empty(Kernels.GetCustomAttributes<GeneratedOptimizerAttribute>());
    }
}
