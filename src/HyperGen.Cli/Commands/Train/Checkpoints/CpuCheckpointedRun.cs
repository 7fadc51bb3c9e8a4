using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>A CPU run: the trainer, its model's weights and the tower.</summary>
internal sealed class CpuCheckpointedRun(Trainer trainer, Tower<float> tower) : ICheckpointedRun
{
    public int StepCount => tower.StepCount;

    public int CompletedEpochs => trainer.CompletedEpochs;

    public int ReportedSteps => trainer.CaptureState().Step;

    public void Save(string path) => Build().Save(path);

    /// <summary>A sharded tower's state is gathered from every rank while the file is built (TowerCheckpoint.Write), so every rank builds it.</summary>
    public void TakePartInSave()
    {
        if (tower.Sharding is not null)
        {
            _ = Build();
        }
    }

    private HyperGen.Checkpoints.CheckpointWriter Build() =>
        TrainingCheckpointFile.Build(trainer.CaptureState(), trainer.Model.Parameters, tower);

    public void Load(string path) => TrainingCheckpointFile.Load(path, trainer, tower);
}
