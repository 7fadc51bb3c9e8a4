using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using HyperGen.Kernels;
using HyperGen.Tests.Generator;
using ILGPU;
using ILGPU.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>The generator's ILGPU output: only where ILGPU is referenced, compilable, and usable by a GPU tower.</summary>
public sealed class GpuGeneratorTests : IClassFixture<CpuAcceleratorFixture>
{
    private static readonly string GpuHintName = $"{TestSources.Namespace}.AdamCopy.HyperGen.Gpu.g.cs";
    private const string GpuDispatcherHintName = "HyperGen.GpuDispatcher.g.cs";
    private readonly Accelerator _accelerator;

    public GpuGeneratorTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    [Fact]
    public void Without_ilgpu_no_kernels_are_written()
    {
        GeneratorRun run = GeneratorHarness.Run(TestSources.Adam);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.GeneratedSources.Keys, name => name.EndsWith(".Gpu.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void With_ilgpu_and_hypergen_kernels_the_kernels_compile_and_are_registered()
    {
        GeneratorRun run = GeneratorHarness.Run(WithGpuReferences(GeneratorHarness.CreateCompilation(TestSources.Adam)));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
        string source = run.GeneratedSources[GpuHintName];
        Assert.Contains("[assembly: global::HyperGen.Kernels.GpuKernelsAttribute(", source, StringComparison.Ordinal);
        foreach (string kernel in new[] { "StepSingle", "StepWithPartialsSingle", "StepDouble", "StepWithPartialsDouble" })
        {
            Assert.Contains($"public static void {kernel}(global::ILGPU.Index1D index,", source, StringComparison.Ordinal);
        }

        // Every writing kernel (the plain and partial-recording steps, the input-keeping step, in two precisions)
        // returns before writing anything when the tower refused the step.
        Assert.Equal(6, source.Split("if (refusal[0] != 0)").Length - 1);

        // ILGPU cannot compile these in kernels (they throw, or need the stack): the program never contains them.
        foreach (string forbidden in new[] { "MathF.Sign", "Math.Clamp", "stackalloc", "System.Half" })
        {
            Assert.DoesNotContain(forbidden, source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_gpu_kernels_and_the_dispatcher_read_exactly_as_their_baselines()
    {
        // Adam and the clipped SGD: a recomputing optimizer with state, and one with ?: choices and no state.
        GeneratorRun run = GeneratorHarness.Run(WithGpuReferences(GeneratorHarness.CreateCompilation(TestSources.Adam, TestSources.Clip)));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);

        SnapshotBaseline.AssertMatches("Gpu", "AdamCopy.Gpu.g.cs.txt", run.GeneratedSources[GpuHintName]);
        SnapshotBaseline.AssertMatches("Gpu", "ClipSgd.Gpu.g.cs.txt", run.GeneratedSources[$"{TestSources.Namespace}.ClipSgd.HyperGen.Gpu.g.cs"]);
        SnapshotBaseline.AssertMatches("Gpu", "GpuDispatcher.g.cs.txt", run.GeneratedSources["HyperGen.GpuDispatcher.g.cs"]);
    }

    [Fact]
    public void With_ilgpu_alone_the_kernels_are_written_without_registration()
    {
        CSharpCompilation compilation = WithIlgpu(GeneratorHarness.CreateCompilation(TestSources.Adam));
        GeneratorRun run = GeneratorHarness.Run(compilation);
        Assert.Empty(run.OutputErrors);
        string source = run.GeneratedSources[GpuHintName];
        Assert.DoesNotContain("GpuKernelsAttribute", source, StringComparison.Ordinal);
        Assert.Contains("public static class Gpu", source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_optimizer_runs_on_the_gpu_tower_with_its_assemblys_dispatcher()
    {
        GeneratorRun run = GeneratorHarness.Run(WithGpuReferences(GeneratorHarness.CreateCompilation(TestSources.Adam)));
        Assert.Contains(GpuDispatcherHintName, run.GeneratedSources.Keys);
        using LoadedAssembly loaded = run.CompileAndLoad();
        OptimizerDefinition definition = loaded.Definition(TestSources.Full("AdamCopy"));
        AgreesWithCpu(new TowerSpec([new LevelSpec(definition), new LevelSpec(definition), new LevelSpec(definition)]), expectOneLaunch: true);
    }

    [Fact]
    public void A_tower_mixing_assemblies_steps_its_upper_levels_one_launch_each()
    {
        GeneratorRun run = GeneratorHarness.Run(WithGpuReferences(GeneratorHarness.CreateCompilation(TestSources.Adam)));
        using LoadedAssembly loaded = run.CompileAndLoad();
        OptimizerDefinition definition = loaded.Definition(TestSources.Full("AdamCopy"));
        var spec = new TowerSpec([
            new LevelSpec(HyperGen.Optimizers.Sgd.Definition, new Dictionary<string, double> { ["alpha"] = 0.05, ["mu"] = 0.9 }),
            new LevelSpec(definition, new Dictionary<string, double> { ["alpha"] = 1e-4 }),
            new LevelSpec(HyperGen.Optimizers.Sgd.Definition, new Dictionary<string, double> { ["alpha"] = 1e-6 }),
        ]);
        AgreesWithCpu(spec, expectOneLaunch: false);
    }

    [Fact]
    public void Bounds_clamp_and_count_as_the_cpu_tower_where_upper_levels_run_one_launch_each()
    {
        GeneratorRun run = GeneratorHarness.Run(WithGpuReferences(GeneratorHarness.CreateCompilation(TestSources.Adam)));
        using LoadedAssembly loaded = run.CompileAndLoad();
        OptimizerDefinition definition = loaded.Definition(TestSources.Full("AdamCopy"));
        var spec = new TowerSpec([
            new LevelSpec(
                HyperGen.Optimizers.Sgd.Definition,
                new Dictionary<string, double> { ["alpha"] = 0.05, ["mu"] = 0.9 },
                new Dictionary<string, HyperBound> { ["alpha"] = new(0.0499, 0.0501) }),
            new LevelSpec(definition, new Dictionary<string, double> { ["alpha"] = 1e-4 }),
            new LevelSpec(HyperGen.Optimizers.Sgd.Definition, new Dictionary<string, double> { ["alpha"] = 1e-6 }),
        ]);
        long hits = AgreesWithCpu(spec, expectOneLaunch: false);
        Assert.True(hits > 0, "no bound was hit; the test would not check the clamps");
    }

    /// <summary>Weight decay's partial reads the weight, which the step overwrites: level 1 must store its partials.</summary>
    private const string DecaySgd = """
        using HyperGen;

        namespace GeneratorTests.Defs;

        public static partial class DecaySgd
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.05)] float alpha, [Hyper(0.01)] float decay)
            {
                w -= alpha * (g + decay * w);
            }
        }
        """;

    [Fact]
    public void Partials_that_read_the_weight_are_stored_and_still_agree_with_the_cpu_tower()
    {
        GeneratorRun run = GeneratorHarness.Run(WithGpuReferences(GeneratorHarness.CreateCompilation(DecaySgd)));
        Assert.DoesNotContain("RecomputeHypergradients", run.GeneratedSources[$"{TestSources.Namespace}.DecaySgd.HyperGen.Gpu.g.cs"], StringComparison.Ordinal);
        using LoadedAssembly loaded = run.CompileAndLoad();
        OptimizerDefinition definition = loaded.Definition(TestSources.Full("DecaySgd"));
        var spec = new TowerSpec([
            new LevelSpec(definition),
            new LevelSpec(definition, new Dictionary<string, double> { ["alpha"] = 1e-4, ["decay"] = 0 }),
        ]);
        AgreesWithCpu(spec, expectOneLaunch: true, expectRecompute: false);
    }

    /// <returns>How many bound hits both towers counted.</returns>
    private long AgreesWithCpu(TowerSpec spec, bool expectOneLaunch, bool expectRecompute = true)
    {
        const int n = 777;
        var cpu = new Tower<double>(spec, n);
        using var gpu = new GpuTower<double>(_accelerator, spec, n);
        Assert.Equal(expectOneLaunch, gpu.UpperLevelsInOneLaunch);
        Assert.Equal(expectRecompute, gpu.RecomputesPartials);
        double[] weights = Enumerable.Range(0, n).Select(i => Math.Cos(i * 0.3)).ToArray();
        using MemoryBuffer1D<double, Stride1D.Dense> deviceWeights = _accelerator.Allocate1D(weights);
        using MemoryBuffer1D<double, Stride1D.Dense> deviceGradients = _accelerator.Allocate1D<double>(n);
        for (int step = 0; step < 5; step++)
        {
            double[] gradients = weights.Select((w, i) => w - Math.Sin(i + step)).ToArray();
            deviceGradients.CopyFromCPU(gradients);
            cpu.Step(weights, gradients);
            gpu.Step(deviceWeights.View, deviceGradients.View);
        }

        double[] onDevice = deviceWeights.GetAsArray1D();
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(onDevice[i] - weights[i]) <= 1e-14 + (1e-11 * Math.Abs(weights[i])), $"weight {i}: GPU {onDevice[i]:R}, CPU {weights[i]:R}");
        }

        for (int level = 1; level <= spec.Depth; level++)
        {
            double[] values = gpu.ReadHyperparameters(level - 1);
            for (int j = 0; j < values.Length; j++)
            {
                double expected = cpu.Levels[level - 1].GetValue(j);
                Assert.True(Math.Abs(values[j] - expected) <= 1e-14 + (1e-11 * Math.Abs(expected)), $"level {level} hyperparameter {j}: GPU {values[j]:R}, CPU {expected:R}");
            }
        }

        long hits = 0;
        for (int level = 1; level <= spec.Depth; level++)
        {
            long[] onDeviceHits = gpu.ReadBoundHits(level - 1);
            for (int j = 0; j < onDeviceHits.Length; j++)
            {
                Assert.Equal(cpu.Levels[level - 1].GetBoundHits(j), onDeviceHits[j]);
                hits += onDeviceHits[j];
            }
        }

        Assert.NotEqual(spec.Levels[0].InitialValues[0], gpu.ReadHyperparameters(0)[0]);
        return hits;
    }

    private static CSharpCompilation WithGpuReferences(CSharpCompilation compilation) => WithIlgpu(compilation)
        .AddReferences(MetadataReference.CreateFromFile(typeof(GpuTower<>).Assembly.Location));

    /// <summary>
    /// ILGPU is built against an older System.Runtime; like the SDK (NoWarn 1701;1702), accept the unification of
    /// its framework references, which TreatWarningsAsErrors would otherwise turn into errors.
    /// </summary>
    private static CSharpCompilation WithIlgpu(CSharpCompilation compilation) => compilation
        .AddReferences(MetadataReference.CreateFromFile(typeof(Context).Assembly.Location))
        .WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            ImmutableDictionary<string, ReportDiagnostic>.Empty
                .Add("CS1701", ReportDiagnostic.Suppress)
                .Add("CS1702", ReportDiagnostic.Suppress)));
}
