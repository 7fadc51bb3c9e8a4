using System;
using HyperGen.Training.Gpu;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// BLAS's SGEMM (alpha 1, beta 0) from its definition, on the host: stands in for cuBLAS where there is no GPU, so the
/// cuBLAS path's mapping of row-major products onto column-major calls and its separate epilogues are tested.
/// Sums in double; counts its calls.
/// </summary>
internal sealed class ReferenceSgemm(Accelerator accelerator) : IColumnMajorSgemm
{
    public string Description => "reference SGEMM (tests)";

    public int Calls { get; private set; }

    public void Multiply(in ColumnMajorProduct product, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        Calls++;
        accelerator.Synchronize();
        float[] left = new float[a.Length];
        float[] right = new float[b.Length];
        a.CopyToCPU(left);
        b.CopyToCPU(right);
        float[] result = new float[(long)product.Ldc * product.N];
        for (int j = 0; j < product.N; j++)
        {
            for (int i = 0; i < product.M; i++)
            {
                double sum = 0;
                for (int p = 0; p < product.K; p++)
                {
                    // op(A)(i, p) and op(B)(p, j), each read column-major from its storage.
                    float x = product.TransposeA ? left[p + ((long)i * product.Lda)] : left[i + ((long)p * product.Lda)];
                    float y = product.TransposeB ? right[j + ((long)p * product.Ldb)] : right[p + ((long)j * product.Ldb)];
                    sum += (double)x * y;
                }

                result[i + ((long)j * product.Ldc)] = (float)sum;
            }
        }

        c.SubView(0, result.Length).CopyFromCPU(result);
    }

    public void Dispose()
    {
    }
}
