using System;
using HyperGen.Training.Numerics;

namespace HyperGen.Training.Model;

/// <summary>
/// The paper's classifier: inputs -> Linear -> tanh -> Linear -> tanh -> log-softmax, trained with the mean
/// negative log-likelihood over a batch. (The tanh on the logits is deliberate: the paper's code applies it too.)
/// </summary>
/// <remarks>
/// <para>
/// All weights live in one flat <see cref="Parameters"/> array and the gradient of the last <see cref="Backward(ReadOnlySpan{byte})"/>
/// in the equally laid out <see cref="Gradients"/> array (see <see cref="MlpShape"/> for the layout), so an
/// optimizer steps the whole model as one buffer.
/// </para>
/// <para>
/// A batch is computed in two calls: <see cref="Forward"/> keeps every activation in buffers sized for
/// <see cref="MaxBatchSize"/> when the model is built, and <see cref="Loss"/>, <see cref="CountCorrect"/> and
/// <see cref="Backward(ReadOnlySpan{byte})"/> read them. Nothing is allocated per batch. The two large products (the hidden layer
/// forward, and its weight gradient) are split across <see cref="ThreadCount"/> threads; the rest is small and
/// runs on the caller's thread. A model is not safe for concurrent use.
/// </para>
/// <example>
/// A gradient check perturbs <see cref="Parameters"/> and compares loss differences with <see cref="Gradients"/>:
/// <code>
/// using var model = new Mlp(MlpShape.Paper, maxBatchSize: 256);
/// model.InitializeParameters(seed: 1);
/// model.Forward(inputs, labels.Length);    // inputs: labels.Length rows of 784 floats in [0, 1]
/// float loss = model.Loss(labels);
/// model.Backward(labels);                  // fills model.Gradients
/// model.Parameters[i] += 1e-3f;
/// model.Forward(inputs, labels.Length);
/// float slope = (model.Loss(labels) - loss) / 1e-3f;   // ~ model.Gradients[i]
/// </code>
/// </example>
/// </remarks>
public sealed class Mlp : IDisposable
{
    private readonly float[] _hidden;         // tanh(X W1^T + b1), batch x hidden
    private readonly float[] _output;         // tanh(H W2^T + b2), batch x classes
    private readonly float[] _logProbabilities;
    private readonly float[] _outputGradient; // dLoss / d(pre-tanh logits), batch x classes
    private readonly float[] _hiddenGradient; // dLoss / d(pre-tanh hidden), batch x hidden
    private readonly HiddenForwardJob _hiddenForward;
    private readonly HiddenWeightGradientJob _hiddenWeightGradient;
    private ReadOnlyMemory<float> _inputs;
    private int _batchSize;

    /// <summary>Builds a model with zeroed parameters; call <see cref="InitializeParameters(int)"/> before training.</summary>
    /// <param name="shape">Layer sizes; <see cref="MlpShape.Paper"/> for the paper's 784-128-10.</param>
    /// <param name="maxBatchSize">Largest batch <see cref="Forward"/> will accept (activation buffers are sized for it).</param>
    /// <param name="threadCount">Threads for the large products, the caller's included; 1 runs everything inline.</param>
    public Mlp(MlpShape shape, int maxBatchSize = 256, int threadCount = 1)
    {
        shape.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadCount);
        Shape = shape;
        MaxBatchSize = maxBatchSize;
        Parameters = new float[shape.ParameterCount];
        Gradients = new float[shape.ParameterCount];
        _hidden = new float[maxBatchSize * shape.Hidden];
        _output = new float[maxBatchSize * shape.Classes];
        _logProbabilities = new float[maxBatchSize * shape.Classes];
        _outputGradient = new float[maxBatchSize * shape.Classes];
        _hiddenGradient = new float[maxBatchSize * shape.Hidden];
        ThreadCount = threadCount == 1 ? 1 : Math.Min(threadCount, BlockScheduler.Parallelism);
        _hiddenForward = new HiddenForwardJob(this);
        _hiddenWeightGradient = new HiddenWeightGradientJob(this);
    }

    /// <summary>Layer sizes and the parameter layout.</summary>
    public MlpShape Shape { get; }

    /// <summary>Largest batch the activation buffers hold.</summary>
    public int MaxBatchSize { get; }

    /// <summary>
    /// Threads the large products are split between: the <c>threadCount</c> asked for, at most the process's pool
    /// (<see cref="BlockScheduler.Parallelism"/>).
    /// </summary>
    public int ThreadCount { get; }

    /// <summary>All weights and biases, laid out as <see cref="MlpShape"/> describes. Step this buffer in place.</summary>
    public float[] Parameters { get; }

    /// <summary>The gradient of the mean batch loss from the last <see cref="Backward(ReadOnlySpan{byte})"/>, laid out like <see cref="Parameters"/>.</summary>
    public float[] Gradients { get; }

    /// <summary>Rows in the batch of the last <see cref="Forward"/> (0 before the first).</summary>
    public int BatchSize => _batchSize;

    /// <summary>Log-probabilities of the last <see cref="Forward"/>: <see cref="BatchSize"/> rows of <see cref="MlpShape.Classes"/>.</summary>
    public ReadOnlySpan<float> LogProbabilities => _logProbabilities.AsSpan(0, _batchSize * Shape.Classes);

    /// <summary>Sets every parameter to PyTorch's default initialisation, drawn deterministically from <paramref name="seed"/>.</summary>
    public void InitializeParameters(int seed) => ParameterInitializer.Initialize(Shape, Parameters, seed);

    /// <summary>Sets every parameter from <paramref name="random"/> (for callers that draw further numbers from the same generator).</summary>
    public void InitializeParameters(Random random) => ParameterInitializer.Initialize(Shape, Parameters, random);

    /// <summary>
    /// Runs the network on the first <paramref name="batchSize"/> rows of <paramref name="inputs"/> (each
    /// <see cref="MlpShape.Inputs"/> floats) and keeps the activations for <see cref="Loss"/>,
    /// <see cref="CountCorrect"/> and <see cref="Backward(ReadOnlySpan{byte})"/>. <paramref name="inputs"/> is referenced, not copied:
    /// leave it unchanged until <see cref="Backward(ReadOnlySpan{byte})"/> has run.
    /// </summary>
    public void Forward(ReadOnlyMemory<float> inputs, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MaxBatchSize);
        if (inputs.Length < batchSize * Shape.Inputs)
        {
            throw new ArgumentException(
                $"{batchSize} rows of {Shape.Inputs} inputs need {batchSize * Shape.Inputs} floats, got {inputs.Length}.",
                nameof(inputs));
        }

        _inputs = inputs;
        _batchSize = batchSize;
        MlpShape s = Shape;
        _hiddenForward.Run(batchSize, MatrixKernels.DotTileRows, ThreadCount);

        Span<float> output = _output.AsSpan(0, batchSize * s.Classes);
        MatrixKernels.MultiplyByTransposed(_hidden, Parameters.AsSpan(s.W2Offset, s.Classes * s.Hidden),
            Parameters.AsSpan(s.B2Offset, s.Classes), output, s.Classes, s.Hidden, 0, batchSize);
        VectorTanh.Tanh(output, output);
        for (int i = 0; i < batchSize; i++)
        {
            LogSoftmax(output.Slice(i * s.Classes, s.Classes), _logProbabilities.AsSpan(i * s.Classes, s.Classes));
        }
    }

    /// <summary>Mean negative log-likelihood of <paramref name="labels"/> (one per row) under the last <see cref="Forward"/>.</summary>
    public float Loss(ReadOnlySpan<byte> labels)
    {
        CheckLabels(labels);
        int classes = Shape.Classes;
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            sum -= _logProbabilities[i * classes + labels[i]];
        }

        return (float)(sum / labels.Length);
    }

    /// <summary>Rows of the last <see cref="Forward"/> whose most probable class is the label (ties go to the lower class).</summary>
    public int CountCorrect(ReadOnlySpan<byte> labels)
    {
        CheckLabels(labels);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            correct += IndexOfMax(_logProbabilities.AsSpan(i * Shape.Classes, Shape.Classes)) == labels[i] ? 1 : 0;
        }

        return correct;
    }

    /// <summary>Fraction (0..1) of rows of the last <see cref="Forward"/> classified as <paramref name="labels"/> says.</summary>
    public float Accuracy(ReadOnlySpan<byte> labels) => (float)CountCorrect(labels) / labels.Length;

    /// <summary>
    /// Writes into <see cref="Gradients"/> the gradient of <see cref="Loss"/>(<paramref name="labels"/>) with respect
    /// to <see cref="Parameters"/>, from the activations of the last <see cref="Forward"/> (which must have used the
    /// current parameters).
    /// </summary>
    public void Backward(ReadOnlySpan<byte> labels) => Backward(labels, _batchSize);

    /// <summary>
    /// <see cref="Backward(ReadOnlySpan{byte})"/> for rows that are one part of a larger batch of
    /// <paramref name="meanOver"/> images: the gradient of the part's summed loss divided by
    /// <paramref name="meanOver"/>, so that the parts' gradients add up to the whole batch's mean gradient. The
    /// division is where a whole batch's is (on the output gradient), so a part's gradient is scaled as the
    /// one-process batch's is (data-parallel training, <see cref="TrainingOptions.DataParallel"/>).
    /// </summary>
    /// <param name="labels">One label per row of the last <see cref="Forward"/>.</param>
    /// <param name="meanOver">The whole batch's image count, at least the rows of the last <see cref="Forward"/>.</param>
    public void Backward(ReadOnlySpan<byte> labels, int meanOver)
    {
        CheckLabels(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(meanOver, _batchSize);
        MlpShape s = Shape;
        int batch = _batchSize;
        int classes = s.Classes;
        Span<float> gradients = Gradients;

        // d(mean NLL)/d(logit) = (softmax - onehot) / batch; then through the output tanh.
        Span<float> outputGradient = _outputGradient.AsSpan(0, batch * classes);
        float inverseBatch = 1f / meanOver;
        for (int i = 0; i < batch; i++)
        {
            int row = i * classes;
            for (int c = 0; c < classes; c++)
            {
                float probability = MathF.Exp(_logProbabilities[row + c]);
                outputGradient[row + c] = (probability - (c == labels[i] ? 1f : 0f)) * inverseBatch;
            }
        }

        MatrixKernels.MultiplyByTanhDerivative(outputGradient, _output.AsSpan(0, batch * classes));

        MatrixKernels.MultiplyTransposedBy(outputGradient, _hidden, gradients.Slice(s.W2Offset, classes * s.Hidden),
            batch, classes, s.Hidden, 0, classes);
        MatrixKernels.SumRows(outputGradient, batch, classes, gradients.Slice(s.B2Offset, classes));

        Span<float> hiddenGradient = _hiddenGradient.AsSpan(0, batch * s.Hidden);
        MatrixKernels.Multiply(outputGradient, Parameters.AsSpan(s.W2Offset, classes * s.Hidden), hiddenGradient,
            batch, classes, s.Hidden);
        MatrixKernels.MultiplyByTanhDerivative(hiddenGradient, _hidden.AsSpan(0, batch * s.Hidden));
        MatrixKernels.SumRows(hiddenGradient, batch, s.Hidden, gradients.Slice(s.B1Offset, s.Hidden));

        _hiddenWeightGradient.Run(s.Hidden, MatrixKernels.OuterTileRows, ThreadCount);
    }

    /// <summary>
    /// <see cref="Forward"/>, <see cref="Loss"/> and <see cref="Backward(ReadOnlySpan{byte})"/> on one batch (one row of inputs per label).
    /// </summary>
    /// <returns>The mean loss of the batch.</returns>
    public float ComputeGradients(ReadOnlyMemory<float> inputs, ReadOnlySpan<byte> labels) =>
        ComputeGradients(inputs, labels, labels.Length);

    /// <summary>
    /// <see cref="Forward"/>, <see cref="Loss"/> and <see cref="Backward(ReadOnlySpan{byte}, int)"/> on one part of
    /// a batch of <paramref name="meanOver"/> images.
    /// </summary>
    /// <returns>The mean loss of the part's rows.</returns>
    public float ComputeGradients(ReadOnlyMemory<float> inputs, ReadOnlySpan<byte> labels, int meanOver)
    {
        Forward(inputs, labels.Length);
        float loss = Loss(labels);
        Backward(labels, meanOver);
        return loss;
    }

    /// <summary>
    /// Releases nothing: the products run on the process's <see cref="BlockScheduler"/>, which outlives every model.
    /// A model stays disposable, as the GPU model is, so that code holding either disposes it alike.
    /// </summary>
    public void Dispose()
    {
    }

    private void CheckLabels(ReadOnlySpan<byte> labels)
    {
        if (_batchSize == 0)
        {
            throw new InvalidOperationException("Call Forward before reading losses or gradients.");
        }

        if (labels.Length != _batchSize)
        {
            throw new ArgumentException(
                $"Got {labels.Length} labels for a batch of {_batchSize} rows.", nameof(labels));
        }

        // Validate guarantees at most 256 classes, where every byte is a valid label.
        if (Shape.Classes <= byte.MaxValue)
        {
            int bad = labels.IndexOfAnyInRange((byte)Shape.Classes, byte.MaxValue);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Label {labels[bad]} of row {bad} is not below the class count {Shape.Classes}.", nameof(labels));
            }
        }
    }

    // First index of the largest value; a NaN row (diverged weights) predicts class 0.
    private static int IndexOfMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int c = 1; c < values.Length; c++)
        {
            if (values[c] > values[best])
            {
                best = c;
            }
        }

        return best;
    }

    private static void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities)
    {
        // Shifting by the maximum keeps exp from overflowing; with tanh logits in [-1, 1] it cannot, but the model
        // should not depend on that.
        float max = logits[0];
        for (int c = 1; c < logits.Length; c++)
        {
            max = MathF.Max(max, logits[c]);
        }

        float sum = 0f;
        for (int c = 0; c < logits.Length; c++)
        {
            sum += MathF.Exp(logits[c] - max);
        }

        float shift = max + MathF.Log(sum);
        for (int c = 0; c < logits.Length; c++)
        {
            logProbabilities[c] = logits[c] - shift;
        }
    }

    // Hidden rows [start, end) of the batch: the product with W1, the bias, and tanh, done while the rows are hot.
    private sealed class HiddenForwardJob(Mlp model) : RangeJob
    {
        public override void Execute(int start, int end)
        {
            MlpShape s = model.Shape;
            MatrixKernels.MultiplyByTransposed(model._inputs.Span, model.Parameters.AsSpan(s.W1Offset, s.Hidden * s.Inputs),
                model.Parameters.AsSpan(s.B1Offset, s.Hidden), model._hidden, s.Hidden, s.Inputs, start, end);
            Span<float> rows = model._hidden.AsSpan(start * s.Hidden, (end - start) * s.Hidden);
            VectorTanh.Tanh(rows, rows);
        }
    }

    // Rows [start, end) of W1's gradient (one row per hidden unit): hiddenGradient^T * inputs.
    private sealed class HiddenWeightGradientJob(Mlp model) : RangeJob
    {
        public override void Execute(int start, int end)
        {
            MlpShape s = model.Shape;
            MatrixKernels.MultiplyTransposedBy(model._hiddenGradient, model._inputs.Span,
                model.Gradients.AsSpan(s.W1Offset, s.Hidden * s.Inputs), model._batchSize, s.Hidden, s.Inputs,
                start, end);
        }
    }
}
