using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HyperGen.Training.Numerics;

/// <summary>
/// Row-major single-precision matrix products for the MLP, vectorised with <see cref="Vector{T}"/> and register
/// tiled. Each kernel writes a caller-chosen range of output rows so that a <see cref="RangeJob"/> can split it
/// between threads without any two threads touching the same cache line of the output (except at the one
/// boundary row pair).
/// </summary>
/// <remarks>
/// Spans are checked once on entry; the inner loops then use <c>ref</c> arithmetic and
/// <see cref="Vector.LoadUnsafe{T}(ref readonly T, nuint)"/>, because the JIT cannot remove the bounds checks
/// of the strided tile accesses. <see cref="Vector.MultiplyAddEstimate(Vector{float}, Vector{float}, Vector{float})"/>
/// becomes one FMA where the CPU has it and a multiply plus an add where it does not (a fused multiply-add is
/// emulated in software there, which would be far slower). The kernels are compiled fully optimised at once
/// (AggressiveOptimization) so that the first epoch does not run on tier-0 code; that is only fast because the
/// row-finishing helper is inlined: as a call after the loop it made the JIT spill the 16 accumulators inside the
/// loop, halving the speed.
/// </remarks>
internal static class MatrixKernels
{
    /// <summary>Output rows per register tile of <see cref="MultiplyByTransposed"/>; thread chunks should be multiples of it.</summary>
    public const int DotTileRows = 4;

    /// <summary>Output rows per register tile of <see cref="MultiplyTransposedBy"/>; thread chunks should be multiples of it.</summary>
    public const int OuterTileRows = 8;

    /// <summary>
    /// C[i, j] = bias[j] + sum_p A[i, p] * B[j, p] for the rows i in [<paramref name="rowStart"/>,
    /// <paramref name="rowEnd"/>): A is rows x <paramref name="k"/>, B is <paramref name="n"/> x k (a weight
    /// matrix stored output-major, as PyTorch does), C is rows x n. Both operands are read along their rows, so
    /// every element pair is a contiguous dot product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyByTransposed(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c,
        int n, int k, int rowStart, int rowEnd)
    {
        if (a.Length < rowEnd * k || b.Length < n * k || bias.Length < n || c.Length < rowEnd * n || rowStart < 0)
        {
            throw new ArgumentException("Matrix spans are smaller than their stated shapes.");
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float bias0 = ref MemoryMarshal.GetReference(bias);
        ref float c0 = ref MemoryMarshal.GetReference(c);

        int i = rowStart;
        for (; i + DotTileRows <= rowEnd; i += DotTileRows)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                DotTile4x4(ref Unsafe.Add(ref a0, i * k), ref Unsafe.Add(ref b0, j * k), k,
                    ref Unsafe.Add(ref bias0, j), ref Unsafe.Add(ref c0, i * n + j), n);
            }

            for (; j < n; j++)
            {
                for (int r = 0; r < DotTileRows; r++)
                {
                    Unsafe.Add(ref c0, (i + r) * n + j) = Unsafe.Add(ref bias0, j)
                        + Dot(ref Unsafe.Add(ref a0, (i + r) * k), ref Unsafe.Add(ref b0, j * k), k);
                }
            }
        }

        for (; i < rowEnd; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Unsafe.Add(ref c0, i * n + j) = Unsafe.Add(ref bias0, j)
                    + Dot(ref Unsafe.Add(ref a0, i * k), ref Unsafe.Add(ref b0, j * k), k);
            }
        }
    }

    /// <summary>
    /// C[j, p] = sum_i A[i, j] * B[i, p] over all <paramref name="m"/> rows i, for the output rows j in
    /// [<paramref name="rowStart"/>, <paramref name="rowEnd"/>): A is m x <paramref name="n"/>, B is m x
    /// <paramref name="k"/>, C is n x k and is overwritten. This is a weight gradient: (output gradient)^T * input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposedBy(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int rowStart, int rowEnd)
    {
        if (a.Length < m * n || b.Length < m * k || c.Length < n * k || rowStart < 0 || rowEnd > n)
        {
            throw new ArgumentException("Matrix spans are smaller than their stated shapes.");
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int width = Vector<float>.Count;

        // Column blocks outermost: the slice of B a block needs (m rows x two vectors, 16-32 KB for a batch of 256)
        // stays in L1 while every output row of this thread's range reuses it.
        int p = 0;
        for (; p + 2 * width <= k; p += 2 * width)
        {
            int j = rowStart;
            for (; j + OuterTileRows <= rowEnd; j += OuterTileRows)
            {
                OuterTile8x2(ref Unsafe.Add(ref a0, j), n, ref Unsafe.Add(ref b0, p), k, m,
                    ref Unsafe.Add(ref c0, j * k + p), k);
            }

            for (; j < rowEnd; j++)
            {
                OuterColumns(ref Unsafe.Add(ref a0, j), n, ref Unsafe.Add(ref b0, p), k, m,
                    ref Unsafe.Add(ref c0, j * k + p), 2 * width);
            }
        }

        if (p < k)
        {
            for (int j = rowStart; j < rowEnd; j++)
            {
                OuterColumns(ref Unsafe.Add(ref a0, j), n, ref Unsafe.Add(ref b0, p), k, m,
                    ref Unsafe.Add(ref c0, j * k + p), k - p);
            }
        }
    }

    /// <summary>
    /// C = A * B for A of <paramref name="m"/> x <paramref name="n"/> and B of n x <paramref name="k"/> (C is m x
    /// k, overwritten). Meant for small inner sizes (the 10-class layer), so it is a plain row-by-row sum of scaled
    /// rows of B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * k, k);
            row.Clear();
            for (int o = 0; o < n; o++)
            {
                AddScaled(row, b.Slice(o * k, k), a[i * n + o]);
            }
        }
    }

    /// <summary>sums[j] = sum_i M[i, j] for a <paramref name="rows"/> x <paramref name="columns"/> matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRows(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums)
    {
        sums = sums.Slice(0, columns);
        sums.Clear();
        for (int i = 0; i < rows; i++)
        {
            AddScaled(sums, matrix.Slice(i * columns, columns), 1f);
        }
    }

    /// <summary>target += scale * source, elementwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        int width = Vector<float>.Count;
        var s = new Vector<float>(scale);
        int p = 0;
        for (; p + width <= target.Length; p += width)
        {
            var t = new Vector<float>(target.Slice(p));
            Vector.MultiplyAddEstimate(s, new Vector<float>(source.Slice(p)), t).CopyTo(target.Slice(p));
        }

        for (; p < target.Length; p++)
        {
            target[p] += scale * source[p];
        }
    }

    /// <summary>gradient *= 1 - activation^2, elementwise: the chain rule through tanh, given tanh's output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyByTanhDerivative(Span<float> gradient, ReadOnlySpan<float> activation)
    {
        int width = Vector<float>.Count;
        int p = 0;
        for (; p + width <= gradient.Length; p += width)
        {
            var y = new Vector<float>(activation.Slice(p));
            var g = new Vector<float>(gradient.Slice(p));
            (g * (Vector<float>.One - y * y)).CopyTo(gradient.Slice(p));
        }

        for (; p < gradient.Length; p++)
        {
            gradient[p] *= 1f - activation[p] * activation[p];
        }
    }

    // Four rows of A against four rows of B: 16 vector accumulators, each loaded vector used four times.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile4x4(ref float a, ref float b, int k, ref float bias, ref float c, int ldc)
    {
        Vector<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector<float> s30 = default, s31 = default, s32 = default, s33 = default;
        int width = Vector<float>.Count;
        nuint k1 = (nuint)k, k2 = 2 * k1, k3 = 3 * k1;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            nuint q = (nuint)p;
            Vector<float> x0 = Vector.LoadUnsafe(ref a, q);
            Vector<float> x1 = Vector.LoadUnsafe(ref a, q + k1);
            Vector<float> x2 = Vector.LoadUnsafe(ref a, q + k2);
            Vector<float> x3 = Vector.LoadUnsafe(ref a, q + k3);
            Vector<float> w = Vector.LoadUnsafe(ref b, q);
            s00 = Vector.MultiplyAddEstimate(x0, w, s00);
            s10 = Vector.MultiplyAddEstimate(x1, w, s10);
            s20 = Vector.MultiplyAddEstimate(x2, w, s20);
            s30 = Vector.MultiplyAddEstimate(x3, w, s30);
            w = Vector.LoadUnsafe(ref b, q + k1);
            s01 = Vector.MultiplyAddEstimate(x0, w, s01);
            s11 = Vector.MultiplyAddEstimate(x1, w, s11);
            s21 = Vector.MultiplyAddEstimate(x2, w, s21);
            s31 = Vector.MultiplyAddEstimate(x3, w, s31);
            w = Vector.LoadUnsafe(ref b, q + k2);
            s02 = Vector.MultiplyAddEstimate(x0, w, s02);
            s12 = Vector.MultiplyAddEstimate(x1, w, s12);
            s22 = Vector.MultiplyAddEstimate(x2, w, s22);
            s32 = Vector.MultiplyAddEstimate(x3, w, s32);
            w = Vector.LoadUnsafe(ref b, q + k3);
            s03 = Vector.MultiplyAddEstimate(x0, w, s03);
            s13 = Vector.MultiplyAddEstimate(x1, w, s13);
            s23 = Vector.MultiplyAddEstimate(x2, w, s23);
            s33 = Vector.MultiplyAddEstimate(x3, w, s33);
        }

        StoreRow(ref c, ref bias, s00, s01, s02, s03, ref a, ref b, k, p);
        StoreRow(ref Unsafe.Add(ref c, ldc), ref bias, s10, s11, s12, s13, ref Unsafe.Add(ref a, k), ref b, k, p);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), ref bias, s20, s21, s22, s23, ref Unsafe.Add(ref a, 2 * k), ref b, k, p);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), ref bias, s30, s31, s32, s33, ref Unsafe.Add(ref a, 3 * k), ref b, k, p);
    }

    // Finishes one tile row: horizontal sums, the scalar tail p..k of each dot product, and the bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref float c, ref float bias,
        Vector<float> s0, Vector<float> s1, Vector<float> s2, Vector<float> s3, ref float a, ref float b, int k, int p)
    {
        float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
        for (int q = p; q < k; q++)
        {
            float x = Unsafe.Add(ref a, q);
            t0 += x * Unsafe.Add(ref b, q);
            t1 += x * Unsafe.Add(ref b, k + q);
            t2 += x * Unsafe.Add(ref b, 2 * k + q);
            t3 += x * Unsafe.Add(ref b, 3 * k + q);
        }

        c = bias + t0;
        Unsafe.Add(ref c, 1) = Unsafe.Add(ref bias, 1) + t1;
        Unsafe.Add(ref c, 2) = Unsafe.Add(ref bias, 2) + t2;
        Unsafe.Add(ref c, 3) = Unsafe.Add(ref bias, 3) + t3;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ref float a, ref float b, int k)
    {
        int width = Vector<float>.Count;
        Vector<float> sum = default;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            sum = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref a, (nuint)p), Vector.LoadUnsafe(ref b, (nuint)p), sum);
        }

        float total = Vector.Sum(sum);
        for (; p < k; p++)
        {
            total += Unsafe.Add(ref a, p) * Unsafe.Add(ref b, p);
        }

        return total;
    }

    // Eight output rows (columns j..j+7 of A) times two vectors of B's columns, summed over all m rows of A and B:
    // 16 accumulators hide the FMA latency (a 4x2 tile measured 71 GFLOP/s on one core, this one 85).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterTile8x2(ref float a, int lda, ref float b, int ldb, int m, ref float c, int ldc)
    {
        Vector<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector<float> s20 = default, s21 = default, s30 = default, s31 = default;
        Vector<float> s40 = default, s41 = default, s50 = default, s51 = default;
        Vector<float> s60 = default, s61 = default, s70 = default, s71 = default;
        nuint width = (nuint)Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            ref float ai = ref Unsafe.Add(ref a, i * lda);
            nuint row = (nuint)(i * ldb);
            Vector<float> x0 = Vector.LoadUnsafe(ref b, row);
            Vector<float> x1 = Vector.LoadUnsafe(ref b, row + width);
            var g = new Vector<float>(ai);
            s00 = Vector.MultiplyAddEstimate(g, x0, s00);
            s01 = Vector.MultiplyAddEstimate(g, x1, s01);
            g = new Vector<float>(Unsafe.Add(ref ai, 1));
            s10 = Vector.MultiplyAddEstimate(g, x0, s10);
            s11 = Vector.MultiplyAddEstimate(g, x1, s11);
            g = new Vector<float>(Unsafe.Add(ref ai, 2));
            s20 = Vector.MultiplyAddEstimate(g, x0, s20);
            s21 = Vector.MultiplyAddEstimate(g, x1, s21);
            g = new Vector<float>(Unsafe.Add(ref ai, 3));
            s30 = Vector.MultiplyAddEstimate(g, x0, s30);
            s31 = Vector.MultiplyAddEstimate(g, x1, s31);
            g = new Vector<float>(Unsafe.Add(ref ai, 4));
            s40 = Vector.MultiplyAddEstimate(g, x0, s40);
            s41 = Vector.MultiplyAddEstimate(g, x1, s41);
            g = new Vector<float>(Unsafe.Add(ref ai, 5));
            s50 = Vector.MultiplyAddEstimate(g, x0, s50);
            s51 = Vector.MultiplyAddEstimate(g, x1, s51);
            g = new Vector<float>(Unsafe.Add(ref ai, 6));
            s60 = Vector.MultiplyAddEstimate(g, x0, s60);
            s61 = Vector.MultiplyAddEstimate(g, x1, s61);
            g = new Vector<float>(Unsafe.Add(ref ai, 7));
            s70 = Vector.MultiplyAddEstimate(g, x0, s70);
            s71 = Vector.MultiplyAddEstimate(g, x1, s71);
        }

        nuint c1 = (nuint)ldc;
        s00.StoreUnsafe(ref c);
        s01.StoreUnsafe(ref c, width);
        s10.StoreUnsafe(ref c, c1);
        s11.StoreUnsafe(ref c, c1 + width);
        s20.StoreUnsafe(ref c, 2 * c1);
        s21.StoreUnsafe(ref c, 2 * c1 + width);
        s30.StoreUnsafe(ref c, 3 * c1);
        s31.StoreUnsafe(ref c, 3 * c1 + width);
        s40.StoreUnsafe(ref c, 4 * c1);
        s41.StoreUnsafe(ref c, 4 * c1 + width);
        s50.StoreUnsafe(ref c, 5 * c1);
        s51.StoreUnsafe(ref c, 5 * c1 + width);
        s60.StoreUnsafe(ref c, 6 * c1);
        s61.StoreUnsafe(ref c, 6 * c1 + width);
        s70.StoreUnsafe(ref c, 7 * c1);
        s71.StoreUnsafe(ref c, 7 * c1 + width);
    }

    // One output row (column j of A) times `columns` columns of B: the edge cases of the tiled kernel.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterColumns(ref float a, int lda, ref float b, int ldb, int m, ref float c, int columns)
    {
        for (int q = 0; q < columns; q++)
        {
            Unsafe.Add(ref c, q) = 0f;
        }

        int width = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            float g = Unsafe.Add(ref a, i * lda);
            ref float bi = ref Unsafe.Add(ref b, i * ldb);
            int q = 0;
            for (; q + width <= columns; q += width)
            {
                Vector<float> sum = Vector.LoadUnsafe(ref c, (nuint)q);
                Vector.MultiplyAddEstimate(new Vector<float>(g), Vector.LoadUnsafe(ref bi, (nuint)q), sum)
                    .StoreUnsafe(ref c, (nuint)q);
            }

            for (; q < columns; q++)
            {
                Unsafe.Add(ref c, q) += g * Unsafe.Add(ref bi, q);
            }
        }
    }
}
