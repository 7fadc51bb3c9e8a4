namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>
/// A run whose every checkpoint has the run's <see cref="TrainingHistory"/> beside it (<see cref="TrainingHistoryFile"/>),
/// written first, so that the history is never behind the checkpoint; loading the checkpoint restores the history up
/// to the checkpoint's step.
/// </summary>
internal sealed class HistoryCheckpointedRun(ICheckpointedRun run, TrainingHistory history, string tower) : ICheckpointedRun
{
    public int StepCount => run.StepCount;

    public int CompletedEpochs => run.CompletedEpochs;

    public int ReportedSteps => run.ReportedSteps;

    /// <summary>After <see cref="Load"/>: why the history could not be restored (then it holds only what this invocation records); null when it was.</summary>
    public string? HistoryProblem { get; private set; }

    public void Save(string path)
    {
        TrainingHistoryFile.Save(TrainingHistoryFile.BesideCheckpoint(path), history, tower);
        run.Save(path);
    }

    /// <summary>The history is rank 0's alone to write; the run may need this rank.</summary>
    public void TakePartInSave() => run.TakePartInSave();

    /// <summary>Loads the run; its history is restored when it can be, and <see cref="HistoryProblem"/> says why not otherwise.</summary>
    public void Load(string path)
    {
        run.Load(path);
        HistoryProblem = TrainingHistoryFile.Restore(
            TrainingHistoryFile.BesideCheckpoint(path), history, tower, run.ReportedSteps, run.CompletedEpochs);
    }
}
