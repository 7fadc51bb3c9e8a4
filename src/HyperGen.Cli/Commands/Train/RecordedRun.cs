using System;
using HyperGen.Cli.Commands.Train.Checkpoints;
using HyperGen.Cli.Commands.Train.Distributed;
using HyperGen.Training;
using HyperGen.Training.Data;

namespace HyperGen.Cli.Commands.Train;

/// <summary>Where a <see cref="RecordedRun"/> trains, on what, and for how long.</summary>
/// <param name="Gpu">The GPU to train on; null for the CPU.</param>
/// <param name="Data">The dataset.</param>
/// <param name="Epochs">The epochs the run should have completed at the end.</param>
/// <param name="Seed">Seeds the initial weights and the shuffles: runs with one seed start from the same weights.</param>
/// <param name="Ranks">The ranks that share every batch (<c>--distributed mpi</c>, CPU only); null for one process.</param>
internal sealed record RecordedRunOptions(TrainingGpu? Gpu, FashionMnistDataset Data, int Epochs, int Seed, TrainingRanks? Ranks = null);

/// <summary>
/// What a <see cref="RecordedRun"/> tells its caller besides the progress and the history: where checkpoints are
/// taken. Every method is called with the running run (its history beside it, see <see cref="HistoryCheckpointedRun"/>).
/// </summary>
internal interface IRunHooks
{
    /// <summary>The trainer and the tower exist; no step was taken yet (a checkpoint may be loaded now).</summary>
    void Started(HistoryCheckpointedRun run);

    /// <summary>A CPU run took <paramref name="step"/>; it is recorded.</summary>
    void StepDone(StepReport step, HistoryCheckpointedRun run);

    /// <summary>A GPU run read back the steps <paramref name="firstStep"/> to <paramref name="lastStep"/>; they are recorded.</summary>
    void BlockDone(int firstStep, int lastStep, HistoryCheckpointedRun run);

    /// <summary>An epoch was evaluated; its report is recorded.</summary>
    void EpochDone(HistoryCheckpointedRun run);
}

/// <summary>Changes a CPU tower's hyperparameters between steps (a baseline's step-size schedule).</summary>
internal interface ITowerSchedule
{
    /// <summary>Sets what step <paramref name="step"/> (1-based) of <paramref name="tower"/> uses.</summary>
    void Apply(Tower<float> tower, int step);
}

/// <summary>
/// One run of <c>train</c> (the tower, or a baseline): on the GPU or the CPU, reporting every step and epoch to the
/// progress display and recording them in a <see cref="TrainingHistory"/>, which the logs, the summary and the plot
/// are written from.
/// </summary>
internal static class RecordedRun
{
    /// <summary>Trains <paramref name="spec"/> as <paramref name="options"/> say.</summary>
    /// <param name="options">Device, data, epochs and seed.</param>
    /// <param name="spec">The tower.</param>
    /// <param name="progress">Shows every step and epoch.</param>
    /// <param name="history">Receives every step and epoch (a resumed run's earlier ones are restored into it).</param>
    /// <param name="hooks">Checkpoints; null for none.</param>
    /// <param name="schedule">Changes the tower's hyperparameters between steps; CPU runs only.</param>
    /// <exception cref="ArgumentException">A schedule for a GPU run.</exception>
    public static TowerRunResult Train(
        RecordedRunOptions options,
        TowerSpec spec,
        IProgressReporter progress,
        TrainingHistory history,
        IRunHooks? hooks = null,
        ITowerSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(history);
        string tower = spec.ToString();
        HistoryCheckpointedRun? run = null;
        if (options.Gpu is { } gpu)
        {
            if (schedule is not null)
            {
                throw new ArgumentException("A GPU tower keeps its hyperparameters on the device; schedules run on the CPU.", nameof(schedule));
            }

            return GpuTowerRun.Train(
                gpu,
                options.Data,
                spec,
                options.Epochs,
                options.Seed,
                onStart: started =>
                {
                    run = new HistoryCheckpointedRun(started, history, tower);
                    hooks?.Started(run);
                },
                onStep: (step, readout) =>
                {
                    history.Record(step, readout);
                    progress.OnStep(step, readout);
                },
                onBlock: (firstStep, lastStep) => hooks?.BlockDone(firstStep, lastStep, run!),
                onEpoch: (epoch, readout) =>
                {
                    history.RecordEpoch(epoch);
                    progress.OnEpoch(epoch, readout);
                    hooks?.EpochDone(run!);
                });
        }

        CpuTowerReadout? cpuReadout = null;
        return TowerRun.Train(
            options.Data,
            spec,
            options.Epochs,
            options.Seed,
            onStart: (trainer, started) =>
            {
                run = new HistoryCheckpointedRun(new CpuCheckpointedRun(trainer, started), history, tower);
                cpuReadout = new CpuTowerReadout(started);
                hooks?.Started(run);
                schedule?.Apply(started, started.StepCount + 1);
            },
            onStep: (step, stepped) =>
            {
                history.Record(step, cpuReadout!);
                progress.OnStep(step, cpuReadout!);
                schedule?.Apply(stepped, stepped.StepCount + 1);
                hooks?.StepDone(step, run!);
            },
            onEpoch: (epoch, _) =>
            {
                history.RecordEpoch(epoch);
                progress.OnEpoch(epoch, cpuReadout!);
                hooks?.EpochDone(run!);
            },
            ranks: options.Ranks);
    }
}
