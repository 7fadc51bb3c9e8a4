using System;
using System.Linq;
using System.Numerics;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The GPU tower, run on ILGPU's CPU accelerator, against the SIMD CPU tower on the same run: same specification,
/// same starting weights, same gradient sequence.
/// </summary>
/// <remarks>
/// Tolerance: |gpu - cpu| &lt;= Absolute + Relative * |cpu|, per weight and per hyperparameter. The two paths differ in
/// rounding only: the order of the hypergradient sums (per thread and per block on the device, per 16384-element
/// block on the CPU), fused multiply-adds where the JIT or driver makes them, and device math functions. In float
/// these differences are about 1e-7 relative per operation and grow a little through the hypergradient feedback
/// over the steps; 1e-5 relative (plus 1e-7 absolute for values near zero) is two orders above what we see and
/// far below any real disagreement (a wrong partial or a missed level changes values at 1e-3 and more). In double,
/// 1e-11 relative plus 1e-14 absolute.
/// </remarks>
public sealed class GpuTowerTests : IClassFixture<CpuAcceleratorFixture>
{
    private const int Steps = 8;
    private readonly Accelerator _accelerator;

    public GpuTowerTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    public static TheoryData<string> BuiltInTowers => new()
    {
        "sgd(alpha=0.05)",
        "sgd(alpha=0.05, mu=0.9)/sgd(alpha=1e-6)",
        "sgd(alpha=0.05, mu=0)/sgd(alpha=1e-7, mu=0.5)/sgd(alpha=1e-12)",
        "adam",
        "adam(alpha=1e-2)/sgd(alpha=1e-5)",
        "adam(alpha=1e-2)/adam(alpha=1e-3)/sgd(alpha=1e-6)",
        "adamalpha(alpha=1e-2)/adamalpha(alpha=1e-3)",
        "adagrad(alpha=0.05)/adagrad(alpha=1e-3)/sgd(alpha=1e-6)",
        "rmsprop(alpha=0.01)/rmsprop(alpha=1e-3)",
        "rmspropalpha(alpha=0.01)/rmspropalpha(alpha=1e-3)/adam(alpha=1e-4)",
    };

    [Theory]
    [MemberData(nameof(BuiltInTowers))]
    public void Every_built_in_tower_agrees_with_the_cpu_tower_in_float(string spec) =>
        CompareWithCpu<float>(spec, parameterCount: 3001, absolute: 1e-7, relative: 1e-5);

    /// <summary>Bounds tight enough that the learned values reach them within the run, on both sides and on a squared (magnitude) domain.</summary>
    [Theory]
    [InlineData("sgd(alpha=0.05, alpha in [0.0499, 0.0501])/sgd(alpha=1e-6)")]
    [InlineData("adam(alpha=1e-2, alpha in [0.00995, 0.01005], beta1 in [0.8, 0.9001])/sgd(alpha=1e-5, alpha in [0, 1.00001e-5])/sgd(alpha=1e-6)")]
    [InlineData("rmsprop(alpha=0.01, alpha in [0.00999, 0.01001])/rmsprop(alpha=1e-3)")]
    public void Bounded_towers_clamp_and_count_hits_as_the_cpu_tower(string spec) =>
        CompareWithCpu<float>(spec, parameterCount: 3001, absolute: 1e-7, relative: 1e-5);

    [Theory]
    [InlineData("adam(alpha=1e-2)/adam(alpha=1e-3)/sgd(alpha=1e-5)")]
    [InlineData("sgd(alpha=0.05, mu=0.9)/rmsprop(alpha=1e-4)/adagrad(alpha=1e-6)")]
    public void Towers_agree_with_the_cpu_tower_in_double(string spec) =>
        CompareWithCpu<double>(spec, parameterCount: 1001, absolute: 1e-14, relative: 1e-11);

    [Fact]
    public void Hyperparameters_are_learned_on_the_device()
    {
        using var tower = new GpuTower<double>(_accelerator, TowerSpec.Parse("sgd(alpha=0.1)/sgd(alpha=0.01)"), 1);
        using MemoryBuffer1D<double, Stride1D.Dense> w = _accelerator.Allocate1D(new[] { 1.0 });
        using MemoryBuffer1D<double, Stride1D.Dense> g = _accelerator.Allocate1D(new[] { 1.0 });
        tower.Step(w.View, g.View);
        Assert.Equal(0.1, tower.ReadHyperparameters(0)[0]);

        // The CPU tower's test by hand: G1 = g2 * dw1/dalpha = 0.9 * -1, alpha2 = 0.1 - 0.01 * G1.
        g.CopyFromCPU(new[] { 0.9 });
        tower.Step(w.View, g.View);
        Assert.Equal(0.1 + (0.01 * 0.9), tower.ReadHyperparameters(0)[0], 15);
        Assert.Equal(2, tower.StepCount);
    }

    /// <summary>
    /// The tower's own code allocates nothing per step. ILGPU's CPU accelerator allocates a little per kernel launch
    /// (its thread hand-off), so on it the bytes per step must be the same for every step and every size: nothing
    /// per element, nothing that grows. On CUDA launches allocate nothing, and the step must allocate 0 bytes; the
    /// device check measures that on the GPU.
    /// </summary>
    [Fact]
    public void A_step_allocates_nothing_that_grows_with_the_size_or_the_steps()
    {
        long small = BytesPerStep(64);
        long large = BytesPerStep(4096);
        Assert.Equal(small, large);
        if (_accelerator.AcceleratorType == AcceleratorType.Cuda)
        {
            Assert.Equal(0, small);
        }
    }

    private long BytesPerStep(int n)
    {
        using var tower = new GpuTower<float>(_accelerator, TowerSpec.Parse("adam/sgd(alpha=1e-7)/sgd(alpha=1e-9)"), n);
        using MemoryBuffer1D<float, Stride1D.Dense> w = _accelerator.Allocate1D<float>(n);
        using MemoryBuffer1D<float, Stride1D.Dense> g = _accelerator.Allocate1D<float>(n);
        w.MemSetToZero();
        g.CopyFromCPU(Gradient(n, 0));
        for (int step = 0; step < 3; step++)
        {
            tower.Step(w.View, g.View);
        }

        _accelerator.Synchronize();
        var perStep = new long[4];
        for (int step = 0; step < perStep.Length; step++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            tower.Step(w.View, g.View);
            perStep[step] = GC.GetAllocatedBytesForCurrentThread() - before;

            // Outside the measurement: the CPU accelerator's launch queue grows (allocates) when steps are enqueued
            // faster than its threads run them, which depends on the machine's load, not on the tower.
            _accelerator.Synchronize();
        }

        _accelerator.Synchronize();
        Assert.All(perStep, bytes => Assert.Equal(perStep[0], bytes));
        return perStep[0];
    }

    [Fact]
    public void Wrong_buffer_sizes_are_reported_with_both_counts()
    {
        using var tower = new GpuTower<float>(_accelerator, TowerSpec.Parse("sgd"), 10);
        using MemoryBuffer1D<float, Stride1D.Dense> w = _accelerator.Allocate1D<float>(10);
        using MemoryBuffer1D<float, Stride1D.Dense> g = _accelerator.Allocate1D<float>(9);
        var error = Assert.Throws<ArgumentException>(() => tower.Step(w.View, g.View));
        Assert.Contains("10 weights", error.Message, StringComparison.Ordinal);
        Assert.Contains("9 gradients", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_optimizer_without_generated_gpu_kernels_is_refused_with_the_reason()
    {
        var spec = new TowerSpec([new LevelSpec(new KernelFreeDefinition())]);
        var error = Assert.Throws<NotSupportedException>(() => new GpuTower<float>(_accelerator, spec, 4));
        Assert.Contains("KernelFree has no GPU kernels", error.Message, StringComparison.Ordinal);
        Assert.Contains("HyperGen.Kernels", error.Message, StringComparison.Ordinal);
    }

    private void CompareWithCpu<T>(string specText, int parameterCount, double absolute, double relative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TowerSpec spec = TowerSpec.Parse(specText);
        var cpu = new Tower<T>(spec, parameterCount);
        using var gpu = new GpuTower<T>(_accelerator, spec, parameterCount);

        // The built-ins' upper levels all run in HyperGen.Kernels' generated dispatcher, one launch per step.
        Assert.Equal(spec.Depth > 1, gpu.UpperLevelsInOneLaunch);

        // Their partials never read the weight: level 1 recomputes them in the reduction instead of storing them.
        Assert.Equal(spec.Depth > 1, gpu.RecomputesPartials);
        T[] cpuWeights = Weights<T>(parameterCount);
        using MemoryBuffer1D<T, Stride1D.Dense> weights = _accelerator.Allocate1D(cpuWeights);
        using MemoryBuffer1D<T, Stride1D.Dense> gradients = _accelerator.Allocate1D<T>(parameterCount);

        for (int step = 0; step < Steps; step++)
        {
            T[] g = Gradient<T>(parameterCount, step, cpuWeights);
            gradients.CopyFromCPU(g);
            cpu.Step(cpuWeights, g);
            gpu.Step(weights.View, gradients.View);
        }

        T[] gpuWeights = weights.GetAsArray1D();
        for (int i = 0; i < parameterCount; i++)
        {
            AssertClose(double.CreateTruncating(cpuWeights[i]), double.CreateTruncating(gpuWeights[i]), absolute, relative, $"{specText}: weight {i}");
        }

        for (int level = 1; level <= spec.Depth; level++)
        {
            double[] values = gpu.ReadHyperparameters(level - 1);
            for (int j = 0; j < values.Length; j++)
            {
                AssertClose(cpu.Levels[level - 1].GetValue(j), values[j], absolute, relative, $"{specText}: level {level} hyperparameter {j}");
            }
        }

        Assert.Equal(cpu.StepCount, gpu.StepCount);

        // Bounds: the same clamps on the same steps. A bounded spec must hit some bound, or it tests nothing.
        long totalHits = 0;
        for (int level = 1; level <= spec.Depth; level++)
        {
            long[] hits = gpu.ReadBoundHits(level - 1);
            for (int j = 0; j < hits.Length; j++)
            {
                Assert.True(cpu.Levels[level - 1].GetBoundHits(j) == hits[j], $"{specText}: level {level} hyperparameter {j} hit its bound {hits[j]} times on the GPU, {cpu.Levels[level - 1].GetBoundHits(j)} on the CPU");
                totalHits += hits[j];
            }
        }

        bool bounded = spec.Levels.Any(level => level.Bounds.Any(bound => !bound.IsNone));
        Assert.True(totalHits > 0 == bounded, $"{specText}: {totalHits} bound hits");
        if (spec.Depth > 1)
        {
            // The comparison must see learning: some level-1 hyperparameter has moved by more than the tolerance.
            TowerLevel bottom = cpu.Levels[0];
            bool moved = false;
            for (int j = 0; j < bottom.Definition.HyperParameters.Count; j++)
            {
                double initial = spec.Levels[0].InitialValues[j];
                moved |= Math.Abs(bottom.GetValue(j) - initial) > absolute + (relative * Math.Abs(initial));
            }

            Assert.True(moved, $"{specText}: no level-1 hyperparameter moved; the comparison would not test the hypergradients.");
        }
    }

    private static void AssertClose(double expected, double actual, double absolute, double relative, string what)
    {
        Assert.True(double.IsFinite(expected), $"{what}: the CPU tower diverged ({expected}); the test's tower is unstable.");
        double tolerance = absolute + (relative * Math.Abs(expected));
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{what}: GPU {actual:R}, CPU {expected:R}, difference {Math.Abs(actual - expected):E3} > tolerance {tolerance:E3}.");
    }

    private static T[] Weights<T>(int n)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var w = new T[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = T.CreateTruncating(Math.Sin(i * 0.37));
        }

        return w;
    }

    /// <summary>The gradient of a quadratic bowl with a moving, element-dependent minimum, from the CPU weights.</summary>
    private static T[] Gradient<T>(int n, int step, T[] weights)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var g = new T[n];
        for (int i = 0; i < n; i++)
        {
            double w = double.CreateTruncating(weights[i]);
            g[i] = T.CreateTruncating((0.5 + (0.25 * Math.Cos(i))) * (w - Math.Cos((i * 0.11) + step)));
        }

        return g;
    }

    private static float[] Gradient(int n, int step) => Gradient(n, step, new float[n]);

    /// <summary>A definition no generator compiled: it has no kernels of either kind.</summary>
    private sealed class KernelFreeDefinition() : OptimizerDefinition("KernelFree", [], [], 1)
    {
        protected override IStepKernel<float> SingleKernel => throw new NotSupportedException();

        protected override IStepKernel<double> DoubleKernel => throw new NotSupportedException();
    }
}
