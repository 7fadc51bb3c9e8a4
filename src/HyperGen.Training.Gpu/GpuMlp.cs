using System;
using HyperGen.Training.Model;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// The paper's classifier (<see cref="Mlp"/>: Linear, tanh, Linear, tanh, log-softmax, mean NLL) on an ILGPU
/// accelerator. Parameters, gradients, the batch and every activation live in device buffers allocated once, in the
/// constructor; the calls only enqueue kernels on the accelerator's default stream and never wait, so a training
/// step (gather, forward, loss, backward, optimizer) runs back to back on the device.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Parameters"/> and <see cref="Gradients"/> are laid out exactly as <see cref="MlpShape"/> describes
/// for the CPU model (W1, b1, W2, b2), so one <c>GpuTower&lt;float&gt;</c> over the flat view steps every
/// parameter, and values move between the two models unchanged.
/// </para>
/// <para>
/// Results agree with <see cref="Mlp"/> up to rounding (summation order, fused multiply-adds, device math
/// functions). Not safe for concurrent use.
/// </para>
/// </remarks>
public sealed class GpuMlp : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MlpKernels _kernels;
    private readonly IMatrixProducts _products;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _parameters;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _gradients;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _inputs;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _labels;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _hidden;           // tanh(X W1^T + b1), batch x hidden
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _output;           // tanh(H W2^T + b2), batch x classes
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _logProbabilities;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _outputGradient;   // dLoss / d(pre-tanh logits)
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _hiddenGradient;   // dLoss / d(pre-tanh hidden)
    private int _batchSize;

    /// <summary>Allocates every buffer for batches of up to <paramref name="maxBatchSize"/> rows; the parameters start at zero.</summary>
    /// <param name="accelerator">Where the model lives and runs; its context needs ILGPU.Algorithms enabled (see <c>GpuDevice</c>).</param>
    /// <param name="shape">Layer sizes; <see cref="MlpShape.Paper"/> for 784-128-10.</param>
    /// <param name="maxBatchSize">Largest batch.</param>
    /// <param name="gemm">What runs the matrix products; <see cref="GemmEngine.Auto"/> takes cuBLAS where it can.</param>
    /// <exception cref="NotSupportedException"><see cref="GemmEngine.CuBlas"/> was asked for and cannot run here; the message says why.</exception>
    public GpuMlp(Accelerator accelerator, MlpShape shape, int maxBatchSize = 256, GemmEngine gemm = GemmEngine.Auto)
        : this(accelerator, shape, maxBatchSize, () => OpenProducts(accelerator, gemm))
    {
    }

    /// <summary>A model whose products run through <paramref name="sgemm"/> (tests stand a reference in for cuBLAS).</summary>
    internal GpuMlp(Accelerator accelerator, MlpShape shape, int maxBatchSize, IColumnMajorSgemm sgemm)
        : this(accelerator, shape, maxBatchSize, () => new BlasMatrixProducts(accelerator, sgemm))
    {
    }

    private GpuMlp(Accelerator accelerator, MlpShape shape, int maxBatchSize, Func<IMatrixProducts> products)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        shape.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        _accelerator = accelerator;
        Shape = shape;
        MaxBatchSize = maxBatchSize;
        _kernels = new MlpKernels(accelerator);
        _products = products();
        _parameters = accelerator.Allocate1D<float>(shape.ParameterCount);
        _gradients = accelerator.Allocate1D<float>(shape.ParameterCount);
        _inputs = accelerator.Allocate1D<float>((long)maxBatchSize * shape.Inputs);
        _labels = accelerator.Allocate1D<byte>(maxBatchSize);
        _hidden = accelerator.Allocate1D<float>((long)maxBatchSize * shape.Hidden);
        _output = accelerator.Allocate1D<float>((long)maxBatchSize * shape.Classes);
        _logProbabilities = accelerator.Allocate1D<float>((long)maxBatchSize * shape.Classes);
        _outputGradient = accelerator.Allocate1D<float>((long)maxBatchSize * shape.Classes);
        _hiddenGradient = accelerator.Allocate1D<float>((long)maxBatchSize * shape.Hidden);
        _parameters.MemSetToZero();
        _gradients.MemSetToZero();
    }

    /// <summary>Layer sizes and the parameter layout.</summary>
    public MlpShape Shape { get; }

    /// <summary>Largest batch the buffers hold.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Rows in the current batch (0 before the first is loaded).</summary>
    public int BatchSize => _batchSize;

    /// <summary>The accelerator everything runs on.</summary>
    public Accelerator Accelerator => _accelerator;

    /// <summary>What runs the matrix products: <see cref="GemmEngine.Kernels"/> or <see cref="GemmEngine.CuBlas"/>.</summary>
    public GemmEngine Gemm => _products.Engine;

    /// <summary>
    /// What runs the matrix products, in words: cuBLAS and its version, or HyperGen's kernels and, when
    /// <see cref="GemmEngine.Auto"/> passed over cuBLAS on a CUDA GPU, why.
    /// </summary>
    public string GemmDescription => _products.Description;

    /// <summary>All weights and biases on the device, laid out as <see cref="MlpShape"/> says. Step this view in place.</summary>
    public ArrayView<float> Parameters => _parameters.View;

    /// <summary>The gradient of the mean batch loss from the last <see cref="Backward"/>, laid out like <see cref="Parameters"/>.</summary>
    public ArrayView<float> Gradients => _gradients.View;

    /// <summary>Log-probabilities of the last <see cref="Forward"/>: <see cref="BatchSize"/> rows of <see cref="MlpShape.Classes"/> (on the device).</summary>
    public ArrayView<float> LogProbabilities => _logProbabilities.View.SubView(0, (long)_batchSize * Shape.Classes);

    /// <summary>Copies <paramref name="parameters"/> (laid out as <see cref="MlpShape"/> says) to the device.</summary>
    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        CheckParameterLength(parameters.Length, nameof(parameters));
        _parameters.View.AsContiguous().CopyFromCPU(parameters);
    }

    /// <summary>Waits for the device and copies the parameters to <paramref name="destination"/>.</summary>
    public void ReadParameters(Span<float> destination) => ReadFlat(_parameters, destination);

    /// <summary>Waits for the device and copies the last gradient to <paramref name="destination"/>.</summary>
    public void ReadGradients(Span<float> destination) => ReadFlat(_gradients, destination);

    /// <summary>Waits for the device and copies the log-probabilities of the last <see cref="Forward"/> to <paramref name="destination"/>.</summary>
    public void ReadLogProbabilities(Span<float> destination)
    {
        ArrayView<float> source = LogProbabilities;
        if (destination.Length != source.Length)
        {
            throw new ArgumentException($"The batch has {source.Length} log-probabilities; the destination holds {destination.Length}.", nameof(destination));
        }

        _accelerator.Synchronize();
        source.CopyToCPU(destination);
    }

    /// <summary>
    /// Uploads a batch from the host: <paramref name="labels"/>.Length rows of <see cref="MlpShape.Inputs"/>
    /// floats from <paramref name="inputs"/>. For callers whose data is not on the device; a training loop gathers
    /// from a <see cref="GpuImageSet"/> instead (<see cref="Gather"/>), which moves no pixels.
    /// </summary>
    public void Upload(ReadOnlySpan<float> inputs, ReadOnlySpan<byte> labels)
    {
        SetBatchSize(labels.Length);
        int count = labels.Length * Shape.Inputs;
        if (inputs.Length < count)
        {
            throw new ArgumentException($"{labels.Length} rows of {Shape.Inputs} inputs need {count} floats, got {inputs.Length}.", nameof(inputs));
        }

        CheckLabels(labels);
        _inputs.View.AsContiguous().SubView(0, count).CopyFromCPU(inputs[..count]);
        _labels.View.AsContiguous().SubView(0, labels.Length).CopyFromCPU(labels);
    }

    /// <summary>
    /// Makes the batch rows <c>order[first .. first + count)</c> of <paramref name="set"/>, on the device.
    /// <paramref name="order"/> is a device list of image indices (a shuffled epoch order, say).
    /// </summary>
    public void Gather(GpuImageSet set, ArrayView<int> order, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.PixelsPerImage != Shape.Inputs)
        {
            throw new ArgumentException($"Images have {set.PixelsPerImage} pixels, the model takes {Shape.Inputs}.", nameof(set));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(first);
        if (first + (long)count > order.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows {first}..{first + count} are past the order's {order.Length} entries.");
        }

        SetBatchSize(count);
        _kernels.Gather(count * Shape.Inputs, set.Pixels, set.Labels, order, first, Shape.Inputs, _inputs.View, _labels.View);
    }

    /// <summary>Enqueues the forward pass on the current batch, keeping the activations for the loss and <see cref="Backward"/>.</summary>
    public void Forward()
    {
        int batch = RequireBatch();
        MlpShape s = Shape;
        ArrayView<float> p = _parameters.View;
        _products.Enqueue(_inputs.View, p.SubView(s.W1Offset, s.Hidden * s.Inputs), _hidden.View, p.SubView(s.B1Offset, s.Hidden), _hidden.View,
            GemmShape.ByTransposed(batch, s.Hidden, s.Inputs, GemmEpilogue.BiasTanh));
        _products.Enqueue(_hidden.View, p.SubView(s.W2Offset, s.Classes * s.Hidden), _output.View, p.SubView(s.B2Offset, s.Classes), _output.View,
            GemmShape.ByTransposed(batch, s.Classes, s.Hidden, GemmEpilogue.BiasTanh));
        _kernels.LogSoftmax(batch, _output.View, _logProbabilities.View, s.Classes);
    }

    /// <summary>Enqueues the mean loss of the last <see cref="Forward"/> into <paramref name="destination"/> (one element, on the device).</summary>
    public void EnqueueLoss(ArrayView<float> destination)
    {
        int batch = RequireBatch();
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, 1, nameof(destination));
        _kernels.BatchLoss(1, _logProbabilities.View, _labels.View, batch, Shape.Classes, destination);
    }

    /// <summary>
    /// Enqueues, for the last <see cref="Forward"/>, <c>lossSum[0] += mean loss * rows</c> and
    /// <c>correct[0] += rows classified right</c>: an evaluation over many batches reads the totals once at the end.
    /// </summary>
    public void EnqueueEvaluation(ArrayView<double> lossSum, ArrayView<int> correct)
    {
        int batch = RequireBatch();
        _kernels.Evaluate(1, _logProbabilities.View, _labels.View, batch, Shape.Classes, lossSum, correct);
    }

    /// <summary>
    /// Enqueues the backward pass: <see cref="Gradients"/> becomes the gradient of the mean loss of the last
    /// <see cref="Forward"/>, which must have used the current parameters. No gradient is formed for the inputs.
    /// </summary>
    public void Backward()
    {
        int batch = RequireBatch();
        MlpShape s = Shape;
        ArrayView<float> p = _parameters.View;
        ArrayView<float> g = _gradients.View;
        ArrayView<float> outputGradient = _outputGradient.View;
        ArrayView<float> hiddenGradient = _hiddenGradient.View;
        _kernels.OutputGradient(batch * s.Classes, _logProbabilities.View, _output.View, _labels.View, s.Classes, 1f / batch, outputGradient);

        // Layer 2: dW2 = G2^T H, db2 = column sums of G2; then back through W2 and the hidden tanh.
        _products.Enqueue(outputGradient, _hidden.View, g.SubView(s.W2Offset, s.Classes * s.Hidden), g, g,
            GemmShape.TransposedBy(s.Classes, s.Hidden, batch));
        _kernels.ColumnSum(s.Classes, outputGradient, batch, s.Classes, g.SubView(s.B2Offset, s.Classes));
        _products.Enqueue(outputGradient, p.SubView(s.W2Offset, s.Classes * s.Hidden), hiddenGradient, g, _hidden.View,
            GemmShape.Plain(batch, s.Hidden, s.Classes, GemmEpilogue.TanhDerivative));

        // Layer 1: dW1 = G1^T X, db1 = column sums of G1.
        _kernels.ColumnSum(s.Hidden, hiddenGradient, batch, s.Hidden, g.SubView(s.B1Offset, s.Hidden));
        _products.Enqueue(hiddenGradient, _inputs.View, g.SubView(s.W1Offset, s.Hidden * s.Inputs), g, g,
            GemmShape.TransposedBy(s.Hidden, s.Inputs, batch));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _products.Dispose();
        _parameters.Dispose();
        _gradients.Dispose();
        _inputs.Dispose();
        _labels.Dispose();
        _hidden.Dispose();
        _output.Dispose();
        _logProbabilities.Dispose();
        _outputGradient.Dispose();
        _hiddenGradient.Dispose();
    }

    /// <summary>The products <paramref name="gemm"/> asks for on <paramref name="accelerator"/>.</summary>
    private static IMatrixProducts OpenProducts(Accelerator accelerator, GemmEngine gemm)
    {
        switch (gemm)
        {
            case GemmEngine.Kernels:
                return new TiledMatrixProducts(accelerator);
            case GemmEngine.CuBlas:
                return CuBlasSgemm.TryOpen(accelerator, out string? reason) is { } sgemm
                    ? new BlasMatrixProducts(accelerator, sgemm)
                    : throw new NotSupportedException($"The matrix products cannot run in cuBLAS: {reason}.");
            case GemmEngine.Auto:
                if (accelerator.AcceleratorType != AcceleratorType.Cuda)
                {
                    return new TiledMatrixProducts(accelerator);
                }

                return CuBlasSgemm.TryOpen(accelerator, out string? why) is { } found
                    ? new BlasMatrixProducts(accelerator, found)
                    : new TiledMatrixProducts(accelerator, $"HyperGen's tiled kernels ({why})");
            default:
                throw new ArgumentOutOfRangeException(nameof(gemm), gemm, "Not a GemmEngine.");
        }
    }

    private void SetBatchSize(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatchSize);
        _batchSize = count;
    }

    private int RequireBatch() =>
        _batchSize > 0 ? _batchSize : throw new InvalidOperationException("Load a batch (Gather or Upload) first.");

    private void CheckLabels(ReadOnlySpan<byte> labels)
    {
        int bad = labels.IndexOfAnyInRange((byte)Math.Min(Shape.Classes, byte.MaxValue), byte.MaxValue);
        if (Shape.Classes <= byte.MaxValue && bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} of row {bad} is not below the class count {Shape.Classes}.", nameof(labels));
        }
    }

    private void CheckParameterLength(int length, string name)
    {
        if (length != Shape.ParameterCount)
        {
            throw new ArgumentException($"Expected {Shape.ParameterCount} parameters, got {length}.", name);
        }
    }

    private void ReadFlat(MemoryBuffer1D<float, Stride1D.Dense> buffer, Span<float> destination)
    {
        CheckParameterLength(destination.Length, nameof(destination));
        _accelerator.Synchronize();
        buffer.View.AsContiguous().CopyToCPU(destination);
    }
}
