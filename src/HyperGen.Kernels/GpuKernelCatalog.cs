using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace HyperGen.Kernels;

/// <summary>
/// Finds the generated ILGPU kernels of an optimizer definition through the registrations the generator writes
/// (<see cref="GpuKernelRegistration"/>, <see cref="GpuDispatcherRegistration"/>), which hold them as typed
/// delegates: no kernel is looked up by name. A user's optimizer has them in its own assembly (compiled where
/// HyperGen.Kernels is referenced); the built-ins, whose assembly cannot reference ILGPU, have them in
/// HyperGen.Kernels, generated from the runtime's source files (see the project file). Either way a registration
/// names the one definition it belongs to, which is matched by reference.
/// </summary>
internal static class GpuKernelCatalog
{
    private static readonly ConcurrentDictionary<Assembly, AssemblyKernels> s_assemblies = new();

    /// <summary>The generated level kernels of <paramref name="definition"/> in precision <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">The definition has no generated GPU kernels.</exception>
    public static GpuLevelKernels<T> GetLevelKernels<T>(OptimizerDefinition definition)
        where T : unmanaged
    {
        GpuKernelRegistration registration = FindKernels(definition);
        return typeof(T) == typeof(float)
            ? (GpuLevelKernels<T>)(object)registration.Single
            : (GpuLevelKernels<T>)(object)registration.Double;
    }

    /// <summary>
    /// The generated kernel that runs all of <paramref name="upperLevels"/> in one launch, with each level's optimizer
    /// index in it; null when no one assembly's dispatcher knows them all (towers mixing optimizers from several
    /// assemblies then launch one kernel per level).
    /// </summary>
    public static (UpperLevelsKernel<T> Kernel, int[] Indexes)? FindDispatcher<T>(IReadOnlyList<OptimizerDefinition> upperLevels)
        where T : unmanaged
    {
        foreach (Assembly home in upperLevels.Select(KernelHome).Distinct())
        {
            GpuDispatcherRegistration? dispatcher = Registered(home).Dispatcher;
            if (dispatcher is null)
            {
                continue;
            }

            IReadOnlyList<OptimizerDefinition> known = dispatcher.Optimizers;
            int[] indexes = upperLevels.Select(definition => IndexOf(known, definition)).ToArray();
            if (indexes.All(index => index >= 0))
            {
                UpperLevelsKernel<T> kernel = typeof(T) == typeof(float)
                    ? (UpperLevelsKernel<T>)(object)dispatcher.Single
                    : (UpperLevelsKernel<T>)(object)dispatcher.Double;
                return (kernel, indexes);
            }
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<OptimizerDefinition> known, OptimizerDefinition definition)
    {
        for (int i = 0; i < known.Count; i++)
        {
            if (ReferenceEquals(known[i], definition))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Where a definition's kernels are: its own assembly, or HyperGen.Kernels for the built-ins.</summary>
    private static Assembly KernelHome(OptimizerDefinition definition) =>
        definition.GetType().Assembly == typeof(OptimizerDefinition).Assembly ? typeof(GpuKernelCatalog).Assembly : definition.GetType().Assembly;

    private static GpuKernelRegistration FindKernels(OptimizerDefinition definition)
    {
        foreach (GpuKernelRegistration registration in Registered(KernelHome(definition)).Kernels)
        {
            if (ReferenceEquals(registration.Definition, definition))
            {
                return registration;
            }
        }

        throw new NotSupportedException(
            $"The optimizer {definition.Name} has no GPU kernels: the generator writes them only into projects that " +
            "reference HyperGen.Kernels (and so ILGPU). Define the [HyperOptimize] class in such a project.");
    }

    private static AssemblyKernels Registered(Assembly home) => s_assemblies.GetOrAdd(home, AssemblyKernels.Read);

    /// <summary>The registrations one assembly's generated code declares.</summary>
    private sealed record AssemblyKernels(GpuKernelRegistration[] Kernels, GpuDispatcherRegistration? Dispatcher)
    {
        public static AssemblyKernels Read(Assembly home)
        {
            try
            {
                GpuKernelRegistration[] kernels = home.GetCustomAttributes<GpuKernelsAttribute>()
                    .Select(attribute => Create<GpuKernelRegistration>(attribute.RegistrationType))
                    .ToArray();
                Type? dispatcher = home.GetCustomAttribute<GpuDispatcherAttribute>()?.RegistrationType;
                return new AssemblyKernels(kernels, dispatcher is null ? null : Create<GpuDispatcherRegistration>(dispatcher));
            }
            catch (Exception exception) when (exception is CustomAttributeFormatException or MissingMethodException or TypeLoadException)
            {
                // An assembly generated by another HyperGen names its kernels with attributes this version cannot read.
                throw new NotSupportedException(
                    $"The GPU kernels of {home.GetName().Name} were generated by another version of HyperGen; rebuild the project that defines them.",
                    exception);
            }
        }

        private static TRegistration Create<TRegistration>(Type type)
            where TRegistration : class =>
            Activator.CreateInstance(type, nonPublic: true) as TRegistration
            ?? throw new NotSupportedException(
                $"{type.FullName} is not a {typeof(TRegistration).Name}; it was generated by another version of HyperGen. Rebuild the project that defines it.");
    }
}
