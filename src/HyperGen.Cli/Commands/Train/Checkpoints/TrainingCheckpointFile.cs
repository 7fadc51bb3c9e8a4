using System;
using HyperGen.Checkpoints;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>
/// The whole state of a <c>hypergen train</c> run in one checkpoint file: the weights and tower (sections written by
/// <see cref="TowerCheckpoint"/>) and the trainer's position and shuffling generator (section <c>TRNR</c>). A run
/// restored from it continues bit for bit as the saved one would have. A GPU run writes the same file (its tower's
/// state moved to a CPU tower), so either device resumes either's checkpoint.
/// </summary>
internal static class TrainingCheckpointFile
{
    /// <summary>The checkpoint's file name inside the <c>--checkpoint</c> folder.</summary>
    public const string FileName = "checkpoint.hgc";

    private const string TrainerTag = "TRNR";

    /// <summary>Saves the trainer's position, the weights and the tower atomically: a run killed while saving leaves the previous checkpoint whole.</summary>
    public static void Save(string path, TrainerState state, ReadOnlySpan<float> weights, Tower<float> tower) =>
        Build(state, weights, tower).Save(path);

    /// <summary>The checkpoint's sections, built in memory; a sharded tower's state is gathered from every rank here.</summary>
    public static CheckpointWriter Build(TrainerState state, ReadOnlySpan<float> weights, Tower<float> tower)
    {
        var checkpoint = new CheckpointWriter();
        TowerCheckpoint.Write(checkpoint, tower, weights);
        checkpoint.AddSection(TrainerTag, writer =>
        {
            writer.Write(state.BatchSize);
            writer.Write(state.CompletedEpochs);
            writer.Write(state.BatchesDone);
            writer.Write(state.Step);
            writer.Write(state.EpochLossSum);
            writer.Write(state.EpochSeen);
            foreach (ulong word in state.RandomState)
            {
                writer.Write(word);
            }

            writer.Write(state.TrainOrder.Count);
            foreach (int index in state.TrainOrder)
            {
                writer.Write(index);
            }
        });
        return checkpoint;
    }

    /// <summary>Restores <paramref name="trainer"/>, its model's weights and <paramref name="tower"/>; on any problem none is changed.</summary>
    /// <exception cref="CheckpointException">The file is unusable or belongs to another run configuration.</exception>
    public static void Load(string path, Trainer trainer, Tower<float> tower)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        TrainerState state = Load(path, trainer.Options.BatchSize, trainer.Data.Train.Count, trainer.Model.Parameters, tower);
        trainer.RestoreState(state);
    }

    /// <summary>
    /// Reads a checkpoint into <paramref name="weights"/> and <paramref name="tower"/> and returns the trainer's
    /// position, for a run with <paramref name="batchSize"/> over <paramref name="trainCount"/> images; everything is
    /// checked before either is changed.
    /// </summary>
    /// <exception cref="CheckpointException">The file is unusable or belongs to another run configuration.</exception>
    public static TrainerState Load(string path, int batchSize, int trainCount, Span<float> weights, Tower<float> tower)
    {
        CheckpointReader checkpoint = CheckpointReader.Open(path);
        TrainerState state = checkpoint.ReadSection(TrainerTag, reader =>
        {
            int batchSize = reader.ReadInt32();
            int completedEpochs = reader.ReadInt32();
            int batchesDone = reader.ReadInt32();
            int step = reader.ReadInt32();
            double lossSum = reader.ReadDouble();
            int seen = reader.ReadInt32();
            ulong[] random = [reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64()];
            int count = reader.ReadInt32();
            if (count < 0 || count > (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(int))
            {
                throw new CheckpointException(path, $"the trainer section claims {count} training images");
            }

            var order = new int[count];
            for (int i = 0; i < count; i++)
            {
                order[i] = reader.ReadInt32();
            }

            return new TrainerState(batchSize, completedEpochs, batchesDone, step, lossSum, seen, random, order);
        });

        if (state.Validate(batchSize, trainCount) is { } problem)
        {
            throw new CheckpointException(path, $"the saved training run does not fit this one: {problem}");
        }

        // Checked above and inside Read before anything changes, so a failure leaves this run untouched.
        TowerCheckpoint.Read(checkpoint, tower, weights);
        return state;
    }
}
