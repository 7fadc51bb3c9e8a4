using System;

namespace HyperGen.Training.Gpu;

/// <summary>
/// A <see cref="GemmShape"/> restated as the column-major BLAS call <c>C = op(A) op(B)</c> (alpha 1, beta 0) that
/// computes it, in BLAS's names: C is <see cref="M"/> x <see cref="N"/>, op(A) is M x <see cref="K"/>, op(B) is
/// K x N, each stored column-major with its leading dimension.
/// </summary>
/// <remarks>
/// A row-major matrix is the column-major storage of its transpose, so the row-major <c>C = A B</c> is, in the same
/// memory, the column-major <c>C^T = B^T A^T</c>: BLAS's first operand is the shape's B and its second the shape's A,
/// and the dimensions swap (M = the shape's N, N = the shape's M). Each operand is used as stored, with the operation
/// that its strides call for, and never copied.
/// </remarks>
/// <param name="TransposeA">Whether BLAS's A (the shape's B buffer) is used transposed.</param>
/// <param name="TransposeB">Whether BLAS's B (the shape's A buffer) is used transposed.</param>
/// <param name="M">Rows of op(A) and C.</param>
/// <param name="N">Columns of op(B) and C.</param>
/// <param name="K">The shared dimension.</param>
/// <param name="Lda">Leading dimension of BLAS's A as stored.</param>
/// <param name="Ldb">Leading dimension of BLAS's B as stored.</param>
/// <param name="Ldc">Leading dimension of C.</param>
internal readonly record struct ColumnMajorProduct(bool TransposeA, bool TransposeB, int M, int N, int K, int Lda, int Ldb, int Ldc)
{
    /// <summary>The call that computes <paramref name="shape"/>'s product (without its epilogue).</summary>
    /// <exception cref="NotSupportedException">An operand is contiguous along neither dimension.</exception>
    public static ColumnMajorProduct For(GemmShape shape)
    {
        // BLAS's A = B^T (N x K as the shape counts): B(p, j) at p * BRowStride + j * BColumnStride.
        (bool transposeA, int lda) = shape.BColumnStride == 1
            ? (false, shape.BRowStride)       // B^T(j, p) at j + p * BRowStride: column-major N x K as stored
            : shape.BRowStride == 1
                ? (true, shape.BColumnStride) // B(p, j) at p + j * BColumnStride: column-major K x N, used transposed
                : throw Unsupported("B", shape);

        // BLAS's B = A^T (K x M): A(i, p) at i * ARowStride + p * AColumnStride.
        (bool transposeB, int ldb) = shape.AColumnStride == 1
            ? (false, shape.ARowStride)
            : shape.ARowStride == 1
                ? (true, shape.AColumnStride)
                : throw Unsupported("A", shape);

        return new ColumnMajorProduct(transposeA, transposeB, shape.N, shape.M, shape.K, lda, ldb, shape.N);
    }

    private static NotSupportedException Unsupported(string operand, GemmShape shape) =>
        new($"Operand {operand} of {shape} is contiguous along neither dimension; BLAS needs one unit stride.");
}
