using System;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// The elementwise and per-row kernels of <see cref="MlpKernelMethods"/>, loaded once for one accelerator (ILGPU
/// compiles on the first load); the matrix products are an <see cref="IMatrixProducts"/>. Launching enqueues and
/// allocates nothing on the device.
/// </summary>
internal sealed class MlpKernels
{
    public MlpKernels(Accelerator accelerator)
    {
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
}
