using System.IO;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>Takes a <see cref="RecordedRun"/>'s checkpoints where <see cref="CheckpointSchedule"/> says, and keeps the run it checkpoints.</summary>
internal sealed class CheckpointHooks(CheckpointSchedule checkpoints, TextWriter stdout) : IRunHooks
{
    /// <summary>The run, once it started; its <see cref="HistoryCheckpointedRun.HistoryProblem"/> says whether a resumed history came back.</summary>
    public HistoryCheckpointedRun? Run { get; private set; }

    public void Started(HistoryCheckpointedRun run)
    {
        Run = run;
        checkpoints.Start(run, stdout);
    }

    public void StepDone(StepReport step, HistoryCheckpointedRun run) => checkpoints.AfterStep(step, run);

    public void BlockDone(int firstStep, int lastStep, HistoryCheckpointedRun run) => checkpoints.AfterBlock(firstStep, lastStep, run);

    public void EpochDone(HistoryCheckpointedRun run) => checkpoints.AfterEpoch(run);
}
