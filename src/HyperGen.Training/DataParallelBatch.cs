using System;
using HyperGen.Training.Data;
using HyperGen.Training.Model;

namespace HyperGen.Training;

/// <summary>
/// One rank's share of a data-parallel step: the gradient of its contiguous part of the batch, scaled by the whole
/// batch's size as a one-process step scales it (<see cref="Mlp.Backward(ReadOnlySpan{byte}, int)"/>), then added
/// over the ranks in rank order with the part's summed loss beside it. Every rank then holds the whole batch's mean
/// gradient and loss, the same bits on each; they equal the one-process values to rounding (the rows are summed in
/// parts, then the parts).
/// </summary>
internal sealed class DataParallelBatch
{
    private readonly IDataParallelGroup _group;
    private readonly Mlp _model;
    private readonly BatchAssembler _batch;

    /// <summary>The scaled gradient, then the part's summed loss: one all-reduce per step.</summary>
    private readonly float[] _sums;

    public DataParallelBatch(IDataParallelGroup group, Mlp model, BatchAssembler batch)
    {
        if (group.Size < 1 || group.Rank < 0 || group.Rank >= group.Size)
        {
            throw new ArgumentException($"Rank {group.Rank} of {group.Size} ranks is not a rank.", nameof(group));
        }

        _group = group;
        _model = model;
        _batch = batch;
        _sums = new float[model.Gradients.Length + 1];
    }

    /// <summary>The first image of this rank's part of a batch of <paramref name="count"/>, and the part's length.</summary>
    /// <remarks>Rank r takes [count·r/size, count·(r+1)/size): contiguous, in rank order, every image once.</remarks>
    public (int Start, int Length) Part(int count)
    {
        int start = (int)((long)count * _group.Rank / _group.Size);
        int end = (int)((long)count * (_group.Rank + 1) / _group.Size);
        return (start, end - start);
    }

    /// <summary>
    /// Leaves in <see cref="Mlp.Gradients"/> the mean gradient of the images <paramref name="order"/> (the whole
    /// batch, on every rank) and returns their mean loss.
    /// </summary>
    public float ComputeGradients(LabeledImages set, ReadOnlySpan<int> order)
    {
        int count = order.Length;
        (int start, int length) = Part(count);
        Span<float> gradients = _model.Gradients;
        if (length > 0)
        {
            _batch.Assemble(set, order.Slice(start, length));
            float loss = _model.ComputeGradients(_batch.Inputs, _batch.CurrentLabels, count);
            gradients.CopyTo(_sums);
            _sums[^1] = loss * length;
        }
        else
        {
            // A batch smaller than the rank count leaves this rank nothing: it adds zeros.
            Array.Clear(_sums);
        }

        _group.AllReduceSum(_sums);
        _sums.AsSpan(0, gradients.Length).CopyTo(gradients);
        return _sums[^1] / count;
    }
}
