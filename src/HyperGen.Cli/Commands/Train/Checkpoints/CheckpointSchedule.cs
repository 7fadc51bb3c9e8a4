using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HyperGen.Checkpoints;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>When a <c>hypergen train</c> run saves its checkpoint, and how it resumes from one.</summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Every">Steps between checkpoints.</param>
/// <param name="Resume">Whether the run continues from <paramref name="Path"/>.</param>
/// <param name="Writes">
/// Whether this process writes the file: false on the ranks of a <c>--distributed mpi</c> run other than rank 0,
/// which read it to resume and take part in gathering a sharded tower's state, but never write.
/// </param>
internal sealed record CheckpointSchedule(string Path, int Every, bool Resume, bool Writes = true)
{
    /// <summary>
    /// Resumes from the checkpoint, or saves the initial state so that a run killed before its first periodic
    /// checkpoint can still resume (and an unwritable folder is reported before any training).
    /// </summary>
    /// <exception cref="CliInputException">The checkpoint is unusable or cannot be written.</exception>
    public void Start(ICheckpointedRun run, TextWriter stdout)
    {
        if (Writes)
        {
            // Only the writer cleans up: a temporary file may be rank 0's checkpoint being written right now.
            DeleteAbandonedTemporaryFiles();
        }

        if (!Resume)
        {
            Save(run);
            return;
        }

        try
        {
            run.Load(Path);
        }
        catch (Exception e) when (e is CheckpointException or ArgumentException)
        {
            throw new CliInputException($"--resume: {e.Message}", e);
        }

        stdout.WriteLine($"resumed: {Path} at step {run.StepCount}, {run.CompletedEpochs} epochs complete");
    }

    /// <summary>Saves every <see cref="Every"/> steps (a CPU run, after any step).</summary>
    public void AfterStep(StepReport step, ICheckpointedRun run)
    {
        if (step.Step % Every == 0)
        {
            Save(run);
        }
    }

    /// <summary>
    /// Saves when a multiple of <see cref="Every"/> is among the steps <paramref name="firstStep"/> to
    /// <paramref name="lastStep"/> (a GPU run, whose state exists only at the end of each block of steps it reads back).
    /// </summary>
    public void AfterBlock(int firstStep, int lastStep, ICheckpointedRun run)
    {
        if (lastStep / Every > (firstStep - 1) / Every)
        {
            Save(run);
        }
    }

    /// <summary>Saves after an epoch's evaluation, so the last checkpoint of a finished run is its final state.</summary>
    public void AfterEpoch(ICheckpointedRun run) => Save(run);

    /// <summary>A run killed while saving leaves its temporary file behind; the next run in the folder removes it.</summary>
    private void DeleteAbandonedTemporaryFiles()
    {
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        IEnumerable<string> abandoned = new[] { System.IO.Path.GetFileName(Path), TrainingHistoryFile.FileName }
            .SelectMany(name => Directory.EnumerateFiles(folder, $".{name}.*.tmp"));
        foreach (string file in abandoned)
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

    private void Save(ICheckpointedRun run)
    {
        if (!Writes)
        {
            run.TakePartInSave();
            return;
        }

        try
        {
            run.Save(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--checkpoint: cannot write '{Path}': {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A GPU tower whose state the checkpoint format cannot hold (level 1 keeps its partials another way on the CPU).
            throw new CliInputException($"--checkpoint: {e.Message} Use --device cpu to checkpoint this tower.", e);
        }
    }
}
