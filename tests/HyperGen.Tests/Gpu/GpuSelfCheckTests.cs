using System;
using HyperGen.Cli.Commands.Train;
using HyperGen.Training.Gpu;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The self-check <c>hypergen train</c> runs before it trains on a GPU: it passes on a device that computes what the
/// CPU computes (ILGPU's CPU accelerator here), and its comparison catches a wrong element, including NaN.
/// </summary>
public sealed class GpuSelfCheckTests : IClassFixture<CpuAcceleratorFixture>
{
    private readonly CpuAcceleratorFixture _fixture;

    public GpuSelfCheckTests(CpuAcceleratorFixture fixture) => _fixture = fixture;

    [Fact]
    public void A_device_that_computes_what_the_cpu_computes_passes()
    {
        GpuSelfCheckResult result = GpuSelfCheck.Run(_fixture.Device, TowerSpec.Parse("adam(alpha=1e-3)/sgd(alpha=1e-5)/sgd(alpha=1e-5)"));

        Assert.Null(result.Problem);
        Assert.Equal(GemmEngine.Kernels, result.Gemm);
    }

    [Fact]
    public void A_gemm_engine_that_cannot_run_fails_the_check_with_the_reason()
    {
        GpuSelfCheckResult result = GpuSelfCheck.Run(_fixture.Device, TowerSpec.Parse("sgd(alpha=0.1)"), GemmEngine.CuBlas);

        Assert.False(result.Passed);
        Assert.Contains("cuBLAS runs on CUDA GPUs only", result.Problem, StringComparison.Ordinal);
        Assert.Equal(GemmEngine.CuBlas, result.Gemm);
    }

    [Fact]
    public void Elements_within_the_tolerance_agree()
    {
        float[] cpu = [1f, -0.5f, 0f, 1e-3f];
        float[] gpu = [1f + 5e-4f, -0.5f - 1e-4f, 5e-6f, 1e-3f];
        Assert.Null(GpuMlpAgreement.FirstDisagreement(gpu, cpu));
    }

    [Theory]
    [InlineData(2, 1e-4f)] // a near-zero element off by ten times the absolute allowance
    [InlineData(1, -0.49f)] // a relative error of 2 %
    [InlineData(3, float.NaN)]
    public void The_first_element_outside_the_tolerance_is_reported(int index, float value)
    {
        float[] cpu = [1f, -0.5f, 0f, 1e-3f];
        float[] gpu = (float[])cpu.Clone();
        gpu[index] = value;
        Assert.Equal(index, GpuMlpAgreement.FirstDisagreement(gpu, cpu));
    }

    [Fact]
    public void Buffers_of_different_lengths_disagree() =>
        Assert.Equal(2, GpuMlpAgreement.FirstDisagreement(new float[2], new float[3]));
}
