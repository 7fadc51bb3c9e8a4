using System;
using System.Collections.Generic;
using HyperGen.Kernels;
using HyperGen.Optimizers;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The GPU's clamp of hyperparameters to their bounds (the tower's bound table and the per-level kernel; the
/// generated dispatcher writes the same steps) against the CPU tower's <c>HyperBounds</c>, value by value: both sides of a plain bound, and a bound on the
/// magnitude of a squared hyperparameter's raw value, whose sign stays, -0 included.
/// </summary>
public sealed class GpuBoundsTests : IClassFixture<CpuAcceleratorFixture>
{
    private readonly Accelerator _accelerator;

    public GpuBoundsTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    [Theory]
    [InlineData(0.05, 0.02, 0.08)]  // inside: unchanged
    [InlineData(0.01, 0.02, 0.08)]  // below
    [InlineData(0.5, 0.02, 0.08)]   // above
    [InlineData(-0.5, 0.02, 0.08)]  // a negative raw value below a plain bound
    public void A_plain_bound_clamps_and_counts_as_on_the_cpu(double raw, double min, double max) =>
        Compare(
            new LevelSpec(
                Sgd.Definition,
                new Dictionary<string, double> { ["alpha"] = (min + max) / 2 },
                new Dictionary<string, HyperBound> { ["alpha"] = new(min, max) }),
            raw);

    [Theory]
    [InlineData(0.05, false)]
    [InlineData(0.05, true)]
    [InlineData(0.15, true)]
    [InlineData(0.5, false)]
    [InlineData(0.5, true)]
    [InlineData(0.0, false)]
    [InlineData(0.0, true)] // -0: clamped to -0.1, as the CPU's IsNegative has it
    public void A_bound_on_a_squared_hyperparameter_bounds_the_magnitude_and_keeps_the_sign(double magnitude, bool negative) =>
        // RmsProp's alpha = r * r: alpha in [0.01, 0.04] is |r| in [0.1, 0.2].
        Compare(
            new LevelSpec(RmsProp.Definition, null, new Dictionary<string, HyperBound> { ["alpha"] = new(0.01, 0.04) }),
            negative ? -magnitude : magnitude);

    private void Compare(LevelSpec level, double raw)
    {
        int count = level.Definition.HyperParameters.Count;
        float[] cpu = new float[count];
        cpu[0] = (float)raw;
        var bounds = new HyperBounds(level);
        bounds.Apply(cpu);

        var kernels = new TowerKernels<float>(_accelerator);
        float[] table = new float[3 * count];
        for (int j = 0; j < count; j++)
        {
            GpuTower<float>.SetBound(table.AsSpan(3 * j, 3), level.Bounds[j], level.Definition.HyperParameters[j].Domain);
        }

        float[] initial = new float[count];
        initial[0] = (float)raw;
        using MemoryBuffer1D<float, Stride1D.Dense> values = _accelerator.Allocate1D(initial);
        using MemoryBuffer1D<float, Stride1D.Dense> boundTable = _accelerator.Allocate1D(table);
        using MemoryBuffer1D<int, Stride1D.Dense> hits = _accelerator.Allocate1D<int>(count);
        hits.MemSetToZero();
        kernels.ApplyBounds(count, values.View, boundTable.View, hits.View);
        _accelerator.Synchronize();

        float[] gpu = values.GetAsArray1D();
        Assert.Equal(System.BitConverter.SingleToInt32Bits(cpu[0]), System.BitConverter.SingleToInt32Bits(gpu[0]));
        Assert.Equal(bounds.GetHits(0), hits.GetAsArray1D()[0]);
    }
}
