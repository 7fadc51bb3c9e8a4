using System;
using System.IO;
using HyperGen.Checkpoints;
using HyperGen.Training;

namespace HyperGen.Cli;

/// <summary>When a <c>hypergen train</c> run saves its checkpoint, and how it resumes from one.</summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Every">Steps between checkpoints.</param>
/// <param name="Resume">Whether the run continues from <paramref name="Path"/>.</param>
internal sealed record TrainCheckpoints(string Path, int Every, bool Resume)
{
    /// <summary>
    /// Resumes from the checkpoint, or saves the initial state so that a run killed before its first periodic
    /// checkpoint can still resume (and an unwritable folder is reported before any training).
    /// </summary>
    /// <exception cref="CliInputException">The checkpoint is unusable or cannot be written.</exception>
    public void Start(Trainer trainer, Tower<float> tower, TextWriter stdout)
    {
        DeleteAbandonedTemporaryFiles();
        if (!Resume)
        {
            Save(trainer, tower);
            return;
        }

        try
        {
            TrainingCheckpoint.Load(Path, trainer, tower);
        }
        catch (CheckpointException e)
        {
            throw new CliInputException($"--resume: {e.Message}", e);
        }

        stdout.WriteLine($"resumed: {Path} at step {tower.StepCount}, {trainer.CompletedEpochs} epochs complete");
    }

    /// <summary>Saves every <see cref="Every"/> steps.</summary>
    public void AfterStep(StepReport step, Trainer trainer, Tower<float> tower)
    {
        if (step.Step % Every == 0)
        {
            Save(trainer, tower);
        }
    }

    /// <summary>Saves after an epoch's evaluation, so the last checkpoint of a finished run is its final state.</summary>
    public void AfterEpoch(Trainer trainer, Tower<float> tower) => Save(trainer, tower);

    /// <summary>A run killed while saving leaves its temporary file behind; the next run in the folder removes it.</summary>
    private void DeleteAbandonedTemporaryFiles()
    {
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        foreach (string file in Directory.EnumerateFiles(folder, $".{System.IO.Path.GetFileName(Path)}.*.tmp"))
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run may be writing it right now; it is not ours to remove then.
            }
        }
    }

    private void Save(Trainer trainer, Tower<float> tower)
    {
        try
        {
            TrainingCheckpoint.Save(Path, trainer, tower);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--checkpoint: cannot write '{Path}': {e.Message}", e);
        }
    }
}
