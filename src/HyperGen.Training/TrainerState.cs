using System;
using System.Collections.Generic;

namespace HyperGen.Training;

/// <summary>Where a <see cref="Trainer"/> stands in its run (see <see cref="Trainer.CaptureState"/>).</summary>
/// <param name="BatchSize">The run's batch size, which fixes what a batch index means.</param>
/// <param name="CompletedEpochs">Epochs trained and evaluated.</param>
/// <param name="BatchesDone">Batches done in the epoch in progress; 0 when the next epoch has not started (or shuffled).</param>
/// <param name="Step">Optimizer steps taken over the whole run.</param>
/// <param name="EpochLossSum">Sum of loss x batch size over the batches done in the epoch in progress.</param>
/// <param name="EpochSeen">Images seen in the epoch in progress.</param>
/// <param name="RandomState">The shuffling generator's four state words.</param>
/// <param name="TrainOrder">The current order of the training set, a permutation of its indices.</param>
public sealed record TrainerState(
    int BatchSize,
    int CompletedEpochs,
    int BatchesDone,
    int Step,
    double EpochLossSum,
    int EpochSeen,
    IReadOnlyList<ulong> RandomState,
    IReadOnlyList<int> TrainOrder)
{
    /// <summary>Why this state cannot continue a run with <paramref name="batchSize"/> over <paramref name="trainCount"/> images; null when it can.</summary>
    public string? Validate(int batchSize, int trainCount)
    {
        ArgumentNullException.ThrowIfNull(RandomState);
        ArgumentNullException.ThrowIfNull(TrainOrder);
        if (BatchSize != batchSize)
        {
            return $"it was saved with batch size {BatchSize}, this run uses {batchSize}";
        }

        if (TrainOrder.Count != trainCount)
        {
            return $"it was saved for {TrainOrder.Count} training images, this dataset has {trainCount}";
        }

        int batchesPerEpoch = (trainCount + batchSize - 1) / batchSize;
        if (CompletedEpochs < 0 || Step < 0 || BatchesDone < 0 || BatchesDone > batchesPerEpoch || EpochSeen < 0 || EpochSeen > trainCount)
        {
            return $"its position (epoch {CompletedEpochs}, batch {BatchesDone}, step {Step}) is impossible for {batchesPerEpoch} batches per epoch";
        }

        if (RandomState.Count != 4 || (RandomState[0] | RandomState[1] | RandomState[2] | RandomState[3]) == 0)
        {
            return "its generator state is not four words, not all zero";
        }

        var seen = new bool[trainCount];
        foreach (int index in TrainOrder)
        {
            if (index < 0 || index >= trainCount || seen[index])
            {
                return "its training order is not a permutation of the training set";
            }

            seen[index] = true;
        }

        return null;
    }
}
