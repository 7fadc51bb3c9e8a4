using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// The products through a BLAS (cuBLAS in training): each row-major product becomes one column-major SGEMM on the
/// same buffers (<see cref="ColumnMajorProduct"/>), then, where the product has one, a launch of the elementwise
/// epilogue (<see cref="MlpKernelMethods.ApplyEpilogue"/>) that the tiled kernel fuses into its store.
/// </summary>
internal sealed class BlasMatrixProducts : IMatrixProducts
{
    private readonly IColumnMajorSgemm _sgemm;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape> _epilogue;

    /// <param name="accelerator">Where the epilogue kernel runs.</param>
    /// <param name="sgemm">The BLAS; disposed with this.</param>
    public BlasMatrixProducts(Accelerator accelerator, IColumnMajorSgemm sgemm)
    {
        _sgemm = sgemm;
        _epilogue = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(
            MlpKernelMethods.ApplyEpilogue);
    }

    /// <inheritdoc/>
    public GemmEngine Engine => GemmEngine.CuBlas;

    /// <inheritdoc/>
    public string Description => _sgemm.Description;

    /// <inheritdoc/>
    public void Enqueue(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> activation, GemmShape shape)
    {
        // Row-major C = A B is column-major C^T = B^T A^T: the shape's B is BLAS's first operand.
        _sgemm.Multiply(ColumnMajorProduct.For(shape), b, a, c);
        if (shape.Epilogue != GemmEpilogue.None)
        {
            _epilogue(shape.M * shape.N, c, bias, activation, shape);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _sgemm.Dispose();
}
