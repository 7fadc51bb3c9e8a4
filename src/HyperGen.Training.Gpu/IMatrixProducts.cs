using System;
using ILGPU;

namespace HyperGen.Training.Gpu;

/// <summary>Enqueues <see cref="GpuMlp"/>'s matrix products, each followed by its epilogue, on the accelerator's default stream.</summary>
internal interface IMatrixProducts : IDisposable
{
    /// <summary>Which engine this is (never <see cref="GemmEngine.Auto"/>).</summary>
    GemmEngine Engine { get; }

    /// <summary>What runs the products, for the user: the engine and, for cuBLAS, its version.</summary>
    string Description { get; }

    /// <summary>
    /// Enqueues C = A B as <paramref name="shape"/> describes (C dense and row-major), then its epilogue, which reads
    /// <paramref name="bias"/> (per column of C) or <paramref name="activation"/> (C's shape).
    /// </summary>
    void Enqueue(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> activation, GemmShape shape);
}
