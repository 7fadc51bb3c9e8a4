using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Cli.Commands.Train.Distributed;
using HyperGen.Training;
using HyperGen.Training.Data;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// One training run of the paper's MLP with a tower: builds the trainer and the tower, steps the tower once per
/// batch and hands every step and epoch to the caller together with the running tower. Shared by <c>train</c> and
/// <c>reproduce</c>, so both train exactly the same way.
/// </summary>
internal static class TowerRun
{
    /// <summary>Trains for <paramref name="epochs"/> epochs from <paramref name="seed"/> and returns the outcome.</summary>
    /// <param name="data">The dataset to train and test on.</param>
    /// <param name="spec">The tower, bottom level first.</param>
    /// <param name="epochs">Passes over the training set.</param>
    /// <param name="seed">Seeds the initial weights and the shuffles.</param>
    /// <param name="onStart">Called once the trainer and the tower exist, before the first step (to resume them from a checkpoint, say).</param>
    /// <param name="onStep">Called after every step with the tower (its hyperparameters already updated).</param>
    /// <param name="onEpoch">Called after every epoch's evaluation.</param>
    /// <param name="threadCount">Threads for the model's matrix products; null for the trainer's default.</param>
    /// <param name="ranks">The ranks that share every batch (<c>--distributed mpi</c>); null for one process.</param>
    public static TowerRunResult Train(
        FashionMnistDataset data,
        TowerSpec spec,
        int epochs,
        int seed,
        Action<Trainer, Tower<float>>? onStart = null,
        Action<StepReport, Tower<float>>? onStep = null,
        Action<EpochReport, Tower<float>>? onEpoch = null,
        int? threadCount = null,
        TrainingRanks? ranks = null)
    {
        var options = new TrainingOptions { Epochs = epochs, Seed = seed, DataParallel = ranks };
        if (threadCount is int threads)
        {
            options = options with { ThreadCount = threads };
        }

        using var trainer = new Trainer(data, options);
        int parameters = trainer.Model.Parameters.Length;

        // Replicated, every rank steps the whole tower on the same summed gradient, so every rank's tower takes the
        // same trajectory without a word; sharded, each steps its own range and the weights are gathered after.
        Tower<float> tower = ranks is { ShardOptimizer: true }
            ? new Tower<float>(spec, [parameters], ranks.Communicator)
            : new Tower<float>(spec, parameters);
        onStart?.Invoke(trainer, tower);
        var optimizer = new TowerOptimizer(tower);
        TrainingResult result = trainer.Train(
            optimizer,
            onStep: onStep is null ? null : step => onStep(step, tower),
            onEpoch: onEpoch is null ? null : epoch => onEpoch(epoch, tower));
        return new TowerRunResult(
            spec, result, FinalValues(tower), tower.Levels.Select(BoundHitReport.Describe).ToArray(), optimizer.Refusal?.Message);
    }

    /// <summary>How many steps one epoch takes on <paramref name="data"/> (the last batch takes the remainder).</summary>
    public static int StepsPerEpoch(FashionMnistDataset data)
    {
        int batchSize = new TrainingOptions().BatchSize;
        return (data.Train.Count + batchSize - 1) / batchSize;
    }

    private static IReadOnlyList<IReadOnlyList<KeyValuePair<string, double>>> FinalValues(Tower<float> tower) =>
        tower.Levels.Select(level => level.GetValues()).ToArray();

    /// <summary>Lets the trainer step its flat parameter vector with a tower.</summary>
    private sealed class TowerOptimizer(Tower<float> tower) : IParameterOptimizer
    {
        /// <summary>Why the tower refused a step (a NaN or an infinity, named by place), if it did.</summary>
        public NonFiniteStepException? Refusal { get; private set; }

        public bool Step(Span<float> weights, ReadOnlySpan<float> gradients)
        {
            try
            {
                tower.Step(weights, gradients);

                // A sharded tower updated this rank's shard only; an unsharded one returns at once.
                tower.GatherWeights(weights);
                return true;
            }
            catch (NonFiniteStepException e)
            {
                Refusal = e;
                return false;
            }
        }
    }
}

/// <summary>What one <see cref="TowerRun"/> produced.</summary>
/// <param name="Spec">The tower trained with, with its initial hyperparameters.</param>
/// <param name="Training">Per-epoch losses, test errors and timings.</param>
/// <param name="FinalLevels">Every level's hyperparameters at the end, bottom first, in the user's domain.</param>
/// <param name="BoundHits">Per level, which hyperparameters were held at a bound and how often (empty when none).</param>
/// <param name="Refusal">Why the tower refused the last step (it stopped the run), or null.</param>
internal sealed record TowerRunResult(
    TowerSpec Spec,
    TrainingResult Training,
    IReadOnlyList<IReadOnlyList<KeyValuePair<string, double>>> FinalLevels,
    IReadOnlyList<string> BoundHits,
    string? Refusal = null);
