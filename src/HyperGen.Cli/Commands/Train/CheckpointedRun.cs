using System;
using HyperGen.Kernels;
using HyperGen.Training;
using HyperGen.Training.Gpu;

namespace HyperGen.Cli.Commands.Train;

/// <summary>A training run that <see cref="TrainCheckpoints"/> saves and resumes, on whichever device it runs.</summary>
internal interface ICheckpointedRun
{
    /// <summary>The steps the tower has taken.</summary>
    int StepCount { get; }

    /// <summary>How many epochs are complete.</summary>
    int CompletedEpochs { get; }

    /// <summary>The steps the trainer has reported, a step the tower refused included (the step of its <see cref="TrainerState"/>).</summary>
    int ReportedSteps { get; }

    /// <summary>Writes the run's whole state to <paramref name="path"/> (<see cref="TrainingCheckpoint"/>).</summary>
    void Save(string path);

    /// <summary>Continues the run saved at <paramref name="path"/>; on any problem nothing changes.</summary>
    void Load(string path);
}

/// <summary>A CPU run: the trainer, its model's weights and the tower.</summary>
internal sealed class CpuCheckpointedRun(Trainer trainer, Tower<float> tower) : ICheckpointedRun
{
    public int StepCount => tower.StepCount;

    public int CompletedEpochs => trainer.CompletedEpochs;

    public int ReportedSteps => trainer.CaptureState().Step;

    public void Save(string path) => TrainingCheckpoint.Save(path, trainer.CaptureState(), trainer.Model.Parameters, tower);

    public void Load(string path) => TrainingCheckpoint.Load(path, trainer, tower);
}

/// <summary>
/// A GPU run, saved between blocks of steps: the trainer's position, the model's weights read from the device, and
/// the tower's state moved to a CPU tower of the same specification, which the checkpoint format writes.
/// </summary>
internal sealed class GpuCheckpointedRun(GpuTrainer trainer, GpuTower<float> tower) : ICheckpointedRun
{
    private readonly Tower<float> _state = new(tower.Spec, tower.ParameterCount);
    private readonly float[] _weights = new float[tower.ParameterCount];

    public int StepCount => tower.StepCount;

    public int CompletedEpochs => trainer.CompletedEpochs;

    public int ReportedSteps => trainer.CaptureState().Step;

    /// <exception cref="ArgumentException">The tower's state does not translate to a CPU tower (level 1 keeps its partials another way there).</exception>
    public void Save(string path)
    {
        TrainerState state = trainer.CaptureState();
        trainer.Model.ReadParameters(_weights);
        tower.CopyStateTo(_state);
        TrainingCheckpoint.Save(path, state, _weights, _state);
    }

    /// <exception cref="ArgumentException">The saved tower's state does not translate to this GPU tower.</exception>
    public void Load(string path)
    {
        TrainerState state = TrainingCheckpoint.Load(path, trainer.Options.BatchSize, trainer.Data.Train.Count, _weights, _state);

        // The tower first: it is the one that can still refuse (another design for level 1's partials).
        tower.CopyStateFrom(_state);
        trainer.Model.SetParameters(_weights);
        trainer.RestoreState(state);
    }
}

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

    /// <summary>Loads the run; its history is restored when it can be, and <see cref="HistoryProblem"/> says why not otherwise.</summary>
    public void Load(string path)
    {
        run.Load(path);
        HistoryProblem = TrainingHistoryFile.Restore(
            TrainingHistoryFile.BesideCheckpoint(path), history, tower, run.ReportedSteps, run.CompletedEpochs);
    }
}
