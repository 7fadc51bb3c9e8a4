using System.Runtime.InteropServices;

namespace HyperGen.Training.Gpu;

/// <summary>
/// One matrix product <c>C = A B</c> (then an epilogue) as the tiled kernel reads it: C is <see cref="M"/> x
/// <see cref="N"/>, dense and row-major; A (M x K) and B (K x N) are read through strides, so a transposed operand
/// is the same buffer with its strides swapped and never a copy.
/// </summary>
/// <param name="M">Rows of C and of A.</param>
/// <param name="N">Columns of C and of B.</param>
/// <param name="K">The shared dimension.</param>
/// <param name="ARowStride">Distance in A's buffer between A(i, p) and A(i + 1, p).</param>
/// <param name="AColumnStride">Distance between A(i, p) and A(i, p + 1).</param>
/// <param name="BRowStride">Distance in B's buffer between B(p, j) and B(p + 1, j).</param>
/// <param name="BColumnStride">Distance between B(p, j) and B(p, j + 1).</param>
/// <param name="Epilogue">What happens to each sum before it is stored.</param>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct GemmShape(
    int M, int N, int K, int ARowStride, int AColumnStride, int BRowStride, int BColumnStride, GemmEpilogue Epilogue)
{
    /// <summary>C = A B^T with A (m x k) and B (n x k) both row-major: a layer's forward product X W^T.</summary>
    public static GemmShape ByTransposed(int m, int n, int k, GemmEpilogue epilogue) => new(m, n, k, k, 1, 1, k, epilogue);

    /// <summary>C = A^T B with A (k x m) and B (k x n) both row-major: a weight gradient G^T X.</summary>
    public static GemmShape TransposedBy(int m, int n, int k) => new(m, n, k, 1, m, n, 1, GemmEpilogue.None);

    /// <summary>C = A B with A (m x k) and B (k x n) both row-major: the gradient passed back through a layer, G W.</summary>
    public static GemmShape Plain(int m, int n, int k, GemmEpilogue epilogue) => new(m, n, k, k, 1, n, 1, epilogue);
}

/// <summary>The elementwise step fused into a product's store, so no extra pass over C is launched.</summary>
internal enum GemmEpilogue
{
    /// <summary>C = A B.</summary>
    None = 0,

    /// <summary>C = tanh(A B + bias), bias per column: a layer's forward pass.</summary>
    BiasTanh = 1,

    /// <summary>C = (A B) * (1 - Y^2), Y the layer's tanh output of C's shape: back through the tanh.</summary>
    TanhDerivative = 2,
}
