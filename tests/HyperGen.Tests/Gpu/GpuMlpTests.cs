using System;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The GPU model's kernels, run on ILGPU's CPU accelerator, against the CPU <see cref="Mlp"/> on the same parameters
/// and batch: the loss, every log-probability and every element of the gradient; with the tiled product kernel, and
/// with the cuBLAS path's products (a reference SGEMM standing in for cuBLAS).
/// </summary>
/// <remarks>
/// Tolerance: |gpu - cpu| &lt;= Absolute + Relative * |cpu| per element. The two models differ in rounding only: the
/// order of the products' sums (64-long chunks on the device, SIMD lanes and 4 x 4 register tiles on the CPU), fused
/// multiply-adds, and tanh (the CPU model's vectorised tanh against MathF.Tanh). In float that is a few 1e-7
/// relative per value; a sum over 784 inputs or 256 rows can cancel, so values near zero get an absolute allowance
/// of 1e-6 (gradients here are 1e-4 to 1e-1). 1e-4 relative is far below a real mistake (a wrong index, a missing
/// tanh derivative or a transposed operand moves values by tens of percent).
/// </remarks>
public sealed class GpuMlpTests : IClassFixture<CpuAcceleratorFixture>
{
    private const double Absolute = 1e-6;
    private const double Relative = 1e-4;
    private readonly Accelerator _accelerator;

    public GpuMlpTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    [Fact]
    public void The_papers_shape_gives_the_cpu_models_loss_and_gradient() =>
        CompareWithCpu(MlpShape.Paper, batch: 21, seed: 5);

    [Fact]
    public void Shapes_that_are_not_multiples_of_the_tile_give_the_cpu_models_loss_and_gradient() =>
        CompareWithCpu(new MlpShape(37, 19, 7), batch: 33, seed: 9);

    [Fact]
    public void The_cublas_paths_products_give_the_cpu_models_loss_and_gradient()
    {
        // Every product as a column-major SGEMM plus a separate epilogue, with a reference SGEMM in cuBLAS's place.
        var sgemm = new ReferenceSgemm(_accelerator);
        CompareWithCpu(new MlpShape(37, 19, 7), batch: 33, seed: 9, sgemm);

        // Two forward products, three backward ones.
        Assert.Equal(5, sgemm.Calls);
    }

    [Fact]
    public void Auto_runs_the_tiled_kernels_where_there_is_no_cuda()
    {
        using var gpu = new GpuMlp(_accelerator, new MlpShape(8, 4, 3), maxBatchSize: 2);

        Assert.Equal(GemmEngine.Kernels, gpu.Gemm);
        Assert.Equal("HyperGen's tiled kernels", gpu.GemmDescription);
    }

    [Fact]
    public void Cublas_where_there_is_no_cuda_is_refused_with_the_reason()
    {
        NotSupportedException error = Assert.Throws<NotSupportedException>(
            () => new GpuMlp(_accelerator, new MlpShape(8, 4, 3), maxBatchSize: 2, GemmEngine.CuBlas));

        Assert.Contains("cuBLAS runs on CUDA GPUs only", error.Message, StringComparison.Ordinal);
    }

    private void CompareWithCpu(MlpShape shape, int batch, int seed, ReferenceSgemm? sgemm = null)
    {
        var random = new Random(seed);
        float[] inputs = new float[batch * shape.Inputs];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.Next(256) / 255f;
        }

        byte[] labels = new byte[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = (byte)random.Next(shape.Classes);
        }

        using var cpu = new Mlp(shape, maxBatchSize: batch + 3);
        cpu.InitializeParameters(seed);
        float cpuLoss = cpu.ComputeGradients(inputs, labels);

        using GpuMlp gpu = sgemm is null
            ? new GpuMlp(_accelerator, shape, maxBatchSize: batch + 3)
            : new GpuMlp(_accelerator, shape, batch + 3, sgemm);
        using MemoryBuffer1D<float, ILGPU.Stride1D.Dense> loss = _accelerator.Allocate1D<float>(1);
        gpu.SetParameters(cpu.Parameters);
        gpu.Upload(inputs, labels);
        gpu.Forward();
        gpu.EnqueueLoss(loss.View);
        gpu.Backward();

        float[] gradients = new float[shape.ParameterCount];
        gpu.ReadGradients(gradients);
        float[] gpuLoss = loss.GetAsArray1D();
        float[] logProbabilities = new float[batch * shape.Classes];
        gpu.ReadLogProbabilities(logProbabilities);

        AssertClose(cpuLoss, gpuLoss[0], "loss");
        for (int i = 0; i < logProbabilities.Length; i++)
        {
            AssertClose(cpu.LogProbabilities[i], logProbabilities[i], $"log-probability {i}");
        }

        int changed = 0;
        for (int i = 0; i < gradients.Length; i++)
        {
            AssertClose(cpu.Gradients[i], gradients[i], $"gradient {i} ({Region(shape, i)})");
            changed += cpu.Gradients[i] != 0 ? 1 : 0;
        }

        // A model whose gradient is mostly zero would agree with anything; this one is dense.
        Assert.True(changed > gradients.Length * 9 / 10, $"only {changed} of {gradients.Length} gradient elements are nonzero");
    }

    private static void AssertClose(float expected, float actual, string what)
    {
        double error = Math.Abs((double)actual - expected);
        Assert.True(
            error <= Absolute + (Relative * Math.Abs(expected)),
            $"{what}: gpu {actual:R}, cpu {expected:R}, error {error:G3}");
    }

    private static string Region(MlpShape shape, int i) =>
        i < shape.B1Offset ? "W1" : i < shape.W2Offset ? "b1" : i < shape.B2Offset ? "W2" : "b2";
}
