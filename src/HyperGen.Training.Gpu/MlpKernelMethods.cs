using System;
using ILGPU;

namespace HyperGen.Training.Gpu;

/// <summary>
/// The ILGPU kernels of <see cref="GpuMlp"/>: static methods over views and values, no allocation, no exceptions.
/// Every sum that feeds a logged number (the batch loss, the evaluation counts) runs in one thread in a fixed order,
/// so a run is deterministic on a given device.
/// </summary>
internal static class MlpKernelMethods
{
    /// <summary>
    /// The largest edge of a product tile: a group is tile x tile threads, one per element of C. CUDA groups take
    /// 16 x 16 = 256 threads; ILGPU's CPU accelerator allows 16 threads per group, so it runs 4 x 4 tiles.
    /// </summary>
    public const int MaxTile = 16;

    /// <summary>
    /// How much of the shared dimension a group stages per round. Longer than the tile edge, so there are
    /// Chunk / tile times fewer barriers than in the textbook square-tile kernel: each thread loads several values
    /// per round. That matters little on a GPU (a few more loads in flight) and a great deal on ILGPU's CPU
    /// accelerator, where a barrier is a real thread rendezvous and dominated the run time of square tiles.
    /// </summary>
    public const int Chunk = 64;

    /// <summary>
    /// C = A B and the epilogue, one tile x tile block of C per group (tile = the group's edge, at most
    /// <see cref="MaxTile"/>). Each round stages a tile x <see cref="Chunk"/> block of A and a Chunk x tile block of
    /// B in shared memory, so every value read from global memory is used tile times; the group's threads walk
    /// whichever dimension of an operand is contiguous in memory, so the loads coalesce whether or not the operand
    /// is transposed. Out-of-range elements load as zero and are not stored: any size is correct.
    /// </summary>
    public static void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> activation, GemmShape shape)
    {
        ArrayView<float> aTile = SharedMemory.Allocate<float>(MaxTile * Chunk);
        ArrayView<float> bTile = SharedMemory.Allocate<float>(Chunk * MaxTile);
        int tile = Group.DimX;
        int threads = tile * tile;
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int thread = (ty * tile) + tx;
        int rowStart = Grid.IdxY * tile;
        int columnStart = Grid.IdxX * tile;
        bool aRowMajor = shape.AColumnStride == 1;
        bool bRowMajor = shape.BColumnStride == 1;

        float sum = 0f;
        for (int start = 0; start < shape.K; start += Chunk)
        {
            // Element e of the staged A block is (r, p) = A(rowStart + r, start + p); consecutive threads take
            // consecutive addresses: along p when A is row-major, along r when it is stored transposed.
            for (int e = thread; e < tile * Chunk; e += threads)
            {
                int r = aRowMajor ? e / Chunk : e % tile;
                int p = aRowMajor ? e % Chunk : e / tile;
                int i = rowStart + r;
                int k = start + p;
                aTile[(r * Chunk) + p] = i < shape.M && k < shape.K ? a[(i * shape.ARowStride) + (k * shape.AColumnStride)] : 0f;
            }

            // Likewise B's block: (p, col) = B(start + p, columnStart + col).
            for (int e = thread; e < Chunk * tile; e += threads)
            {
                int p = bRowMajor ? e / tile : e % Chunk;
                int col = bRowMajor ? e % tile : e / Chunk;
                int k = start + p;
                int j = columnStart + col;
                bTile[(p * tile) + col] = k < shape.K && j < shape.N ? b[(k * shape.BRowStride) + (j * shape.BColumnStride)] : 0f;
            }

            Group.Barrier();
            for (int p = 0; p < Chunk; p++)
            {
                sum += aTile[(ty * Chunk) + p] * bTile[(p * tile) + tx];
            }

            Group.Barrier();
        }

        int row = rowStart + ty;
        int column = columnStart + tx;
        if (row < shape.M && column < shape.N)
        {
            int at = (row * shape.N) + column;
            c[at] = Epilogue(sum, shape.Epilogue, bias, activation, at, column);
        }
    }

    /// <summary>
    /// The epilogue alone, one thread per element of C (M x N, row-major): for products that a library computed
    /// (cuBLAS), which stores plain sums.
    /// </summary>
    public static void ApplyEpilogue(Index1D index, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> activation, GemmShape shape)
    {
        c[index] = Epilogue(c[index], shape.Epilogue, bias, activation, index, index % shape.N);
    }

    /// <summary>One element's epilogue: the single definition that the fused and the separate pass share.</summary>
    private static float Epilogue(float sum, GemmEpilogue epilogue, ArrayView<float> bias, ArrayView<float> activation, int at, int column)
    {
        if (epilogue == GemmEpilogue.BiasTanh)
        {
            return MathF.Tanh(sum + bias[column]);
        }

        if (epilogue == GemmEpilogue.TanhDerivative)
        {
            float y = activation[at];
            return sum * (1f - (y * y));
        }

        return sum;
    }

    /// <summary>
    /// Rows <c>order[first .. first + count)</c> of an image set into the batch: pixels scaled to [0, 1] by division
    /// (as the CPU's batch assembler does, so the inputs are bit-identical) and the labels. One thread per pixel.
    /// </summary>
    public static void Gather(
        Index1D index, ArrayView<byte> pixels, ArrayView<byte> labels, ArrayView<int> order, int first, int pixelsPerImage,
        ArrayView<float> inputs, ArrayView<byte> batchLabels)
    {
        int row = index / pixelsPerImage;
        int pixel = index - (row * pixelsPerImage);
        int image = order[first + row];
        inputs[index] = pixels[(image * pixelsPerImage) + pixel] / 255f;
        if (pixel == 0)
        {
            batchLabels[row] = labels[image];
        }
    }

    /// <summary>One row of log-probabilities from the row's (tanh) logits, shifted by the row's maximum.</summary>
    public static void LogSoftmax(Index1D row, ArrayView<float> logits, ArrayView<float> logProbabilities, int classes)
    {
        int at = row * classes;
        float max = logits[at];
        for (int c = 1; c < classes; c++)
        {
            max = MathF.Max(max, logits[at + c]);
        }

        float sum = 0f;
        for (int c = 0; c < classes; c++)
        {
            sum += MathF.Exp(logits[at + c] - max);
        }

        float shift = max + MathF.Log(sum);
        for (int c = 0; c < classes; c++)
        {
            logProbabilities[at + c] = logits[at + c] - shift;
        }
    }

    /// <summary>
    /// d(mean NLL)/d(pre-tanh logit) for one element: (softmax - onehot) / batch, times the output tanh's derivative.
    /// </summary>
    public static void OutputGradient(
        Index1D index, ArrayView<float> logProbabilities, ArrayView<float> output, ArrayView<byte> labels, int classes,
        float inverseBatch, ArrayView<float> gradient)
    {
        int row = index / classes;
        int c = index - (row * classes);
        float target = c == labels[row] ? 1f : 0f;
        float y = output[index];
        gradient[index] = (MathF.Exp(logProbabilities[index]) - target) * inverseBatch * (1f - (y * y));
    }

    /// <summary>One bias gradient: the sum over the batch of column <c>column</c>, in row order.</summary>
    public static void ColumnSum(Index1D column, ArrayView<float> matrix, int rows, int columns, ArrayView<float> sums)
    {
        float sum = 0f;
        for (int i = 0; i < rows; i++)
        {
            sum += matrix[(i * columns) + column];
        }

        sums[column] = sum;
    }

    /// <summary>
    /// One thread: the batch's mean negative log-likelihood (summed in double in row order, as the CPU model does),
    /// written to <c>loss[0]</c> so a trainer can log many steps' losses and read them back together.
    /// </summary>
    public static void BatchLoss(Index1D index, ArrayView<float> logProbabilities, ArrayView<byte> labels, int count, int classes, ArrayView<float> loss)
    {
        loss[0] = MeanLoss(logProbabilities, labels, count, classes);
    }

    /// <summary>
    /// One thread: adds a batch's loss times its size (the batch loss rounded to float first, as the CPU trainer's
    /// evaluation does) and its correctly classified rows to running totals.
    /// </summary>
    public static void Evaluate(
        Index1D index, ArrayView<float> logProbabilities, ArrayView<byte> labels, int count, int classes,
        ArrayView<double> lossSum, ArrayView<int> correct)
    {
        lossSum[0] += (double)MeanLoss(logProbabilities, labels, count, classes) * count;
        int right = 0;
        for (int i = 0; i < count; i++)
        {
            // First index of the largest value: ties go to the lower class, a NaN row predicts class 0.
            int at = i * classes;
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (logProbabilities[at + c] > logProbabilities[at + best])
                {
                    best = c;
                }
            }

            right += best == labels[i] ? 1 : 0;
        }

        correct[0] += right;
    }

    private static float MeanLoss(ArrayView<float> logProbabilities, ArrayView<byte> labels, int count, int classes)
    {
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum -= logProbabilities[(i * classes) + labels[i]];
        }

        return (float)(sum / count);
    }
}
