using System;
using System.Collections.Generic;
using System.Diagnostics;
using HyperGen.Training.Data;
using HyperGen.Training.Numerics;

namespace HyperGen.Training;

/// <summary>
/// The epoch loop of a training run (<see cref="RunEpochs"/>) and where the run stands: epochs and batches done,
/// the step count, the running loss of the epoch, and the one generator that draws the initial weights and then
/// every epoch's shuffle, with the current order of the training set. The CPU and the GPU trainers each keep one,
/// so both capture and restore the same <see cref="TrainerState"/> and either resumes the other's checkpoint.
/// </summary>
public sealed class TrainingLoop
{
    private readonly int _batchSize;

    /// <summary>A run about to start from <paramref name="seed"/> over <paramref name="train"/>, in batches of <paramref name="batchSize"/>.</summary>
    public TrainingLoop(int seed, LabeledImages train, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Random = new Xoshiro256Random(seed);
        TrainOrder = train.Indices();
        _batchSize = batchSize;
    }

    /// <summary>The run's generator: the initial weights are drawn from it first, then each epoch's shuffle.</summary>
    public Xoshiro256Random Random { get; private set; }

    /// <summary>The training set's order in the current epoch (image indices).</summary>
    public int[] TrainOrder { get; }

    /// <summary>How many epochs are complete.</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>Batches of the current epoch stepped (enqueued, on a GPU).</summary>
    public int BatchesDone { get; private set; }

    /// <summary>Steps taken (reported, on a GPU) since the run began.</summary>
    public int Step { get; private set; }

    /// <summary>The mean loss of the current epoch's counted steps.</summary>
    public double EpochMeanLoss => EpochLossSum / EpochSeen;

    private double EpochLossSum { get; set; }

    private int EpochSeen { get; set; }

    /// <summary>At an epoch's first batch, shuffles the order; a run resumed part-way through an epoch keeps its order.</summary>
    public void StartEpoch()
    {
        if (BatchesDone == 0)
        {
            Random.Shuffle(TrainOrder);
        }
    }

    /// <summary>The next batch of the epoch was stepped.</summary>
    public void BatchDone() => BatchesDone++;

    /// <summary>A step's loss is known: it counts, unless it is the step that stopped the run (<paramref name="counted"/> false).</summary>
    public void StepTaken(float loss, int images, bool counted)
    {
        Step++;
        if (counted)
        {
            EpochLossSum += (double)loss * images;
            EpochSeen += images;
        }
    }

    /// <summary>The epoch is complete (and evaluated).</summary>
    private void EndEpoch()
    {
        CompletedEpochs++;
        BatchesDone = 0;
        EpochLossSum = 0;
        EpochSeen = 0;
    }

    /// <summary>
    /// Runs epochs until <paramref name="epochs"/> are complete or one diverges: each trains (timed), is evaluated on
    /// the test set (timed), ends, and is reported. The loop both trainers run, over their own epoch and evaluation.
    /// </summary>
    /// <param name="epochs">The epochs the run should have completed at the end.</param>
    /// <param name="trainEpoch">Trains epoch N (1-based): its steps, mean loss, and whether it stopped the run.</param>
    /// <param name="evaluate">The current weights' test loss and error (%).</param>
    /// <param name="onEpoch">Called after every epoch's evaluation.</param>
    public TrainingResult RunEpochs(
        int epochs,
        Func<int, (int Steps, double MeanLoss, bool Diverged)> trainEpoch,
        Func<(double Loss, double ErrorPercent)> evaluate,
        Action<EpochReport>? onEpoch)
    {
        ArgumentNullException.ThrowIfNull(trainEpoch);
        ArgumentNullException.ThrowIfNull(evaluate);
        var reports = new List<EpochReport>(epochs);
        bool diverged = false;
        while (CompletedEpochs < epochs && !diverged)
        {
            int epoch = CompletedEpochs + 1;
            long start = Stopwatch.GetTimestamp();
            (int steps, double trainLoss, diverged) = trainEpoch(epoch);
            double trainSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            start = Stopwatch.GetTimestamp();
            (double testLoss, double testError) = evaluate();
            double evaluationSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            EndEpoch();

            var report = new EpochReport(epoch, steps, trainLoss, testLoss, testError, trainSeconds, evaluationSeconds);
            reports.Add(report);
            onEpoch?.Invoke(report);
        }

        return new TrainingResult(reports, diverged);
    }

    /// <summary>Everything here, for a checkpoint.</summary>
    public TrainerState Capture() =>
        new(_batchSize, CompletedEpochs, BatchesDone, Step, EpochLossSum, EpochSeen, Random.GetState(), (int[])TrainOrder.Clone());

    /// <summary>Continues from <paramref name="state"/>, taken from a run with the same data and batch size.</summary>
    /// <exception cref="ArgumentException">The state belongs to another dataset or batch size, or is inconsistent; nothing was changed.</exception>
    public void Restore(TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Validate(_batchSize, TrainOrder.Length) is { } problem)
        {
            throw new ArgumentException($"The trainer state does not fit this run: {problem}.", nameof(state));
        }

        Random = new Xoshiro256Random([.. state.RandomState]);
        for (int i = 0; i < TrainOrder.Length; i++)
        {
            TrainOrder[i] = state.TrainOrder[i];
        }

        CompletedEpochs = state.CompletedEpochs;
        BatchesDone = state.BatchesDone;
        Step = state.Step;
        EpochLossSum = state.EpochLossSum;
        EpochSeen = state.EpochSeen;
    }
}
