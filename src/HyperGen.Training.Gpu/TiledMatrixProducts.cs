using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// The products in HyperGen's tiled kernel (<see cref="MlpKernelMethods.Gemm"/>), epilogue fused into the store: one
/// launch per product, on any accelerator.
/// </summary>
internal sealed class TiledMatrixProducts : IMatrixProducts
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape> _gemm;

    /// <param name="accelerator">Where the kernel runs.</param>
    /// <param name="description">What <see cref="Description"/> says (auto adds why cuBLAS was not used).</param>
    public TiledMatrixProducts(Accelerator accelerator, string description = "HyperGen's tiled kernels")
    {
        // The largest square group the accelerator runs, up to the kernel's shared tiles.
        Tile = MlpKernelMethods.MaxTile;
        while (Tile > 1 && Tile * Tile > accelerator.MaxNumThreadsPerGroup)
        {
            Tile /= 2;
        }

        Description = description;
        _gemm = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(
            MlpKernelMethods.Gemm);
    }

    /// <inheritdoc/>
    public GemmEngine Engine => GemmEngine.Kernels;

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>The edge of the kernel's square groups on this accelerator.</summary>
    public int Tile { get; }

    /// <summary>Enqueues C = A B and the epilogue over a grid of tile x tile groups covering C.</summary>
    public void Enqueue(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> activation, GemmShape shape)
    {
        var grid = new Index2D((shape.N + Tile - 1) / Tile, (shape.M + Tile - 1) / Tile);
        _gemm(new KernelConfig(grid, new Index2D(Tile, Tile)), a, b, c, bias, activation, shape);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Loaded kernels belong to the accelerator.
    }
}
