using System;
using ILGPU;

namespace HyperGen.Training.Gpu;

/// <summary>A column-major single-precision matrix product, BLAS's SGEMM with alpha 1 and beta 0, enqueued on the accelerator's default stream.</summary>
internal interface IColumnMajorSgemm : IDisposable
{
    /// <summary>What it is, for the user (a library and its version).</summary>
    string Description { get; }

    /// <summary>Enqueues <c>c = op(a) op(b)</c> as <paramref name="product"/> describes.</summary>
    void Multiply(in ColumnMajorProduct product, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c);
}
