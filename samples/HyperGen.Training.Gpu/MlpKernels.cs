using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// <see cref="MlpKernelMethods"/> loaded once for one accelerator (ILGPU compiles on the first load), with the
/// launch geometry each kernel needs. Launching enqueues and allocates nothing on the device.
/// </summary>
internal sealed class MlpKernels
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape> _gemm;
    private readonly int _tile;

    public MlpKernels(Accelerator accelerator)
    {
        // The largest square group the accelerator runs, up to the kernel's shared tiles.
        _tile = MlpKernelMethods.MaxTile;
        while (_tile > 1 && _tile * _tile > accelerator.MaxNumThreadsPerGroup)
        {
            _tile /= 2;
        }

        _gemm = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(
            MlpKernelMethods.Gemm);
        Gather = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, int, int, ArrayView<float>, ArrayView<byte>>(
            MlpKernelMethods.Gather);
        LogSoftmax = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(MlpKernelMethods.LogSoftmax);
        OutputGradient = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<byte>, int, float, ArrayView<float>>(
            MlpKernelMethods.OutputGradient);
        ColumnSum = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, int, ArrayView<float>>(MlpKernelMethods.ColumnSum);
        BatchLoss = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<byte>, int, int, ArrayView<float>>(MlpKernelMethods.BatchLoss);
        Evaluate = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<byte>, int, int, ArrayView<double>, ArrayView<int>>(
            MlpKernelMethods.Evaluate);
    }

    /// <summary>Scales and gathers batch rows; one thread per pixel.</summary>
    public Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, int, int, ArrayView<float>, ArrayView<byte>> Gather { get; }

    /// <summary>Log-softmax; one thread per row.</summary>
    public Action<Index1D, ArrayView<float>, ArrayView<float>, int> LogSoftmax { get; }

    /// <summary>The loss gradient at the logits; one thread per element.</summary>
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<byte>, int, float, ArrayView<float>> OutputGradient { get; }

    /// <summary>Bias gradients; one thread per column.</summary>
    public Action<Index1D, ArrayView<float>, int, int, ArrayView<float>> ColumnSum { get; }

    /// <summary>The mean batch loss; one thread.</summary>
    public Action<Index1D, ArrayView<float>, ArrayView<byte>, int, int, ArrayView<float>> BatchLoss { get; }

    /// <summary>Evaluation totals; one thread.</summary>
    public Action<Index1D, ArrayView<float>, ArrayView<byte>, int, int, ArrayView<double>, ArrayView<int>> Evaluate { get; }

    /// <summary>The edge of the product kernel's square groups on this accelerator.</summary>
    public int Tile => _tile;

    /// <summary>Enqueues C = A B (and the epilogue) over a grid of tile x tile groups covering C.</summary>
    public void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> activation, GemmShape shape)
    {
        int tile = _tile;
        var grid = new Index2D((shape.N + tile - 1) / tile, (shape.M + tile - 1) / tile);
        _gemm(new KernelConfig(grid, new Index2D(tile, tile)), a, b, c, bias, activation, shape);
    }
}
