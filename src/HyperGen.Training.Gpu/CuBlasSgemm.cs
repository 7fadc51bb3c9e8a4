using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace HyperGen.Training.Gpu;

/// <summary>
/// cuBLAS's SGEMM through ILGPU.Algorithms' <see cref="CuBlas"/>, on the accelerator's default stream (so it is
/// ordered with the model's kernels) and in cuBLAS's default math mode: full single precision, no TF32.
/// </summary>
internal sealed class CuBlasSgemm : IColumnMajorSgemm
{
    private readonly CuBlas _blas;

    private CuBlasSgemm(CuBlas blas)
    {
        _blas = blas;
        Description = $"cuBLAS {CuBlasLibrary.FormatVersion(blas.Version)}";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Opens cuBLAS on <paramref name="accelerator"/> (<see cref="CuBlasLibrary.TryOpen"/>), or says why it cannot.</summary>
    /// <returns>The SGEMM, or null with <paramref name="reason"/> set.</returns>
    public static CuBlasSgemm? TryOpen(Accelerator accelerator, out string? reason) =>
        CuBlasLibrary.TryOpen(accelerator, out reason) is { } blas ? new CuBlasSgemm(blas) : null;

    /// <inheritdoc/>
    public void Multiply(in ColumnMajorProduct product, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c) =>
        _blas.Gemm(
            Operation(product.TransposeA), Operation(product.TransposeB), product.M, product.N, product.K,
            1f, a, product.Lda, b, product.Ldb, 0f, c, product.Ldc);

    /// <inheritdoc/>
    public void Dispose() => _blas.Dispose();

    private static CuBlasOperation Operation(bool transpose) =>
        transpose ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
}
