using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train;

/// <summary>Reports a training run's progress: called after every step and every epoch.</summary>
internal interface IProgressReporter
{
    void OnStep(StepReport step, ITowerReadout tower);

    void OnEpoch(EpochReport epoch, ITowerReadout tower);
}
