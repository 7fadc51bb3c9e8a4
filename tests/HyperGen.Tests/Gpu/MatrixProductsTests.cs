using System;
using HyperGen.Training.Gpu;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The GPU model's two matrix-product engines on ILGPU's CPU accelerator, against the products computed here in
/// double from the definition (C(i, j) = sum over p of A(i, p) B(p, j), read through the shape's strides, then the
/// epilogue): HyperGen's tiled kernel, and the cuBLAS path (each product restated as one column-major SGEMM on the
/// same buffers, then the epilogue pass) with <see cref="ReferenceSgemm"/> in cuBLAS's place.
/// </summary>
public sealed class MatrixProductsTests : IClassFixture<CpuAcceleratorFixture>
{
    private readonly Accelerator _accelerator;

    public MatrixProductsTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    [Theory]
    [MemberData(nameof(Products))]
    public void The_tiled_kernel_computes_the_definition(string product)
    {
        using var products = new TiledMatrixProducts(_accelerator);
        Check(products, Shape(product), product);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void The_column_major_blas_call_and_epilogue_compute_the_definition(string product)
    {
        var sgemm = new ReferenceSgemm(_accelerator);
        using var products = new BlasMatrixProducts(_accelerator, sgemm);
        Check(products, Shape(product), product);
        Assert.Equal(1, sgemm.Calls);
    }

    /// <summary>Every kind of product the model makes, and one without an epilogue.</summary>
    public static TheoryData<string> Products => ["forward", "weight gradient", "back through a layer", "plain"];

    /// <summary>The product's shape, at sizes that are not multiples of the kernel's tiles.</summary>
    private static GemmShape Shape(string product) => product switch
    {
        "forward" => GemmShape.ByTransposed(13, 9, 70, GemmEpilogue.BiasTanh),             // X W^T, bias + tanh
        "weight gradient" => GemmShape.TransposedBy(9, 70, 13),                           // G^T X
        "back through a layer" => GemmShape.Plain(13, 70, 9, GemmEpilogue.TanhDerivative), // G W, tanh derivative
        _ => GemmShape.Plain(5, 3, 66, GemmEpilogue.None),
    };

    [Fact]
    public void An_operand_with_no_unit_stride_is_refused_by_the_blas_mapping()
    {
        var shape = new GemmShape(4, 4, 4, 8, 2, 4, 1, GemmEpilogue.None);

        NotSupportedException error = Assert.Throws<NotSupportedException>(() => ColumnMajorProduct.For(shape));
        Assert.Contains("Operand A", error.Message, StringComparison.Ordinal);
    }

    private void Check(IMatrixProducts products, GemmShape shape, string name)
    {
        var random = new Random(shape.M * 1000 + shape.N * 10 + shape.K);
        float[] a = Values(random, shape.M * shape.K, 1f);
        float[] b = Values(random, shape.K * shape.N, 1f);
        float[] bias = Values(random, shape.N, 0.5f);
        float[] activation = Values(random, shape.M * shape.N, 0.9f);
        using MemoryBuffer1D<float, Stride1D.Dense> aBuffer = _accelerator.Allocate1D(a);
        using MemoryBuffer1D<float, Stride1D.Dense> bBuffer = _accelerator.Allocate1D(b);
        using MemoryBuffer1D<float, Stride1D.Dense> biasBuffer = _accelerator.Allocate1D(bias);
        using MemoryBuffer1D<float, Stride1D.Dense> activationBuffer = _accelerator.Allocate1D(activation);
        using MemoryBuffer1D<float, Stride1D.Dense> cBuffer = _accelerator.Allocate1D<float>(shape.M * shape.N);

        products.Enqueue(aBuffer.View, bBuffer.View, cBuffer.View, biasBuffer.View, activationBuffer.View, shape);
        _accelerator.Synchronize();
        float[] c = cBuffer.GetAsArray1D();

        for (int i = 0; i < shape.M; i++)
        {
            for (int j = 0; j < shape.N; j++)
            {
                double sum = 0;
                for (int p = 0; p < shape.K; p++)
                {
                    sum += (double)a[(i * shape.ARowStride) + (p * shape.AColumnStride)] * b[(p * shape.BRowStride) + (j * shape.BColumnStride)];
                }

                int at = (i * shape.N) + j;
                double expected = shape.Epilogue switch
                {
                    GemmEpilogue.BiasTanh => Math.Tanh(sum + bias[j]),
                    GemmEpilogue.TanhDerivative => sum * (1 - ((double)activation[at] * activation[at])),
                    _ => sum,
                };
                double error = Math.Abs(c[at] - expected);
                Assert.True(error <= 1e-5 + (1e-5 * Math.Abs(expected)), $"{name}: C({i}, {j}) = {c[at]:R}, expected {expected:R}");
            }
        }
    }

    private static float[] Values(Random random, int count, float scale)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }
}
