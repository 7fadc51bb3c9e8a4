using System;
using HyperGen.Bench;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The GPU bench's baseline does the work it is timed for: the hand-written ILGPU Adam, on ILGPU's CPU accelerator,
/// against the CPU bench's SIMD Adam over the same data, weight by weight after several steps.
/// </summary>
public sealed class GpuPlainAdamTests : IClassFixture<CpuAcceleratorFixture>
{
    private readonly Accelerator _accelerator;

    public GpuPlainAdamTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    [Fact]
    public void Five_steps_move_every_weight_as_the_cpu_plain_adam_does()
    {
        const int n = 3001;
        float[] weights = BenchData.Weights<float>(n);
        float[] gradients = BenchData.Gradients<float>(n);
        float[] cpuWeights = (float[])weights.Clone();
        var cpu = new PlainAdam<float>(cpuWeights, gradients);
        using var data = new GpuBenchData(_accelerator, weights, gradients);
        using var gpu = new GpuPlainAdam(data);
        for (int step = 0; step < 5; step++)
        {
            cpu.Step();
            gpu.Step();
        }

        gpu.Synchronize();
        float[] gpuWeights = data.Weights.GetAsArray1D();
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(gpuWeights[i] - cpuWeights[i]) <= 1e-7 + (1e-5 * Math.Abs(cpuWeights[i])), $"weight {i}: GPU {gpuWeights[i]:R}, CPU {cpuWeights[i]:R}");
            Assert.NotEqual(weights[i], gpuWeights[i]);
        }
    }
}
