using System;
using HyperGen.Kernels;
using HyperGen.Training;
using HyperGen.Training.Gpu;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

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
        TrainingCheckpointFile.Save(path, state, _weights, _state);
    }

    /// <summary>A GPU run is never distributed: there is nothing to take part in.</summary>
    public void TakePartInSave()
    {
    }

    /// <exception cref="ArgumentException">The saved tower's state does not translate to this GPU tower.</exception>
    public void Load(string path)
    {
        TrainerState state = TrainingCheckpointFile.Load(path, trainer.Options.BatchSize, trainer.Data.Train.Count, _weights, _state);

        // The tower first: it is the one that can still refuse (another design for level 1's partials).
        tower.CopyStateFrom(_state);
        trainer.Model.SetParameters(_weights);
        trainer.RestoreState(state);
    }
}
