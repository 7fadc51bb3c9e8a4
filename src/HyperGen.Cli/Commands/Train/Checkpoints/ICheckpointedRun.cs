using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>A training run that <see cref="CheckpointSchedule"/> saves and resumes, on whichever device it runs.</summary>
internal interface ICheckpointedRun
{
    /// <summary>The steps the tower has taken.</summary>
    int StepCount { get; }

    /// <summary>How many epochs are complete.</summary>
    int CompletedEpochs { get; }

    /// <summary>The steps the trainer has reported, a step the tower refused included (the step of its <see cref="TrainerState"/>).</summary>
    int ReportedSteps { get; }

    /// <summary>Writes the run's whole state to <paramref name="path"/> (<see cref="TrainingCheckpointFile"/>).</summary>
    void Save(string path);

    /// <summary>
    /// What a rank that does not write the file does where the writer saves: a sharded tower's state is gathered from
    /// every rank, so each takes part; for anything else, nothing.
    /// </summary>
    void TakePartInSave();

    /// <summary>Continues the run saved at <paramref name="path"/>; on any problem nothing changes.</summary>
    void Load(string path);
}
