using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Cli.Commands.Train.Checkpoints;
using HyperGen.Kernels;
using HyperGen.Training;
using HyperGen.Training.Data;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// <see cref="TowerRun"/> on an ILGPU accelerator: the same run (seed, data order, initial weights, batches) with
/// the model, the data and the tower on the device, and the same result for the same files.
/// </summary>
internal static class GpuTowerRun
{
    /// <summary>Steps between reads of the device's step log: few enough waits, and a live progress bar still moves.</summary>
    private const int StepsPerReadback = 16;

    /// <summary>Trains for <paramref name="epochs"/> epochs from <paramref name="seed"/> on <paramref name="gpu"/>.</summary>
    /// <param name="gpu">The device and its products engine.</param>
    /// <param name="data">The dataset.</param>
    /// <param name="spec">The tower.</param>
    /// <param name="epochs">Epochs to complete.</param>
    /// <param name="seed">Seeds the initial weights and the shuffles.</param>
    /// <param name="onStart">Called once the trainer and the tower exist, before the first step (to resume them from a checkpoint, say).</param>
    /// <param name="onStep">Called for every step when the block holding it is read back.</param>
    /// <param name="onBlock">Called after each block with its first and last step: the device holds the state after the last.</param>
    /// <param name="onEpoch">Called after every epoch's evaluation.</param>
    public static TowerRunResult Train(
        TrainingGpu gpu,
        FashionMnistDataset data,
        TowerSpec spec,
        int epochs,
        int seed,
        Action<ICheckpointedRun>? onStart = null,
        Action<StepReport, ITowerReadout>? onStep = null,
        Action<int, int>? onBlock = null,
        Action<EpochReport, ITowerReadout>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var options = new TrainingOptions { Epochs = epochs, Seed = seed };
        using var trainer = new GpuTrainer(gpu.Device.Accelerator, data, options, StepsPerReadback, gpu.Gemm);
        using var tower = new GpuTower<float>(gpu.Device.Accelerator, spec, MlpShape.Paper.ParameterCount);

        onStart?.Invoke(new GpuCheckpointedRun(trainer, tower));

        // The epoch callback sees the hyperparameters after the epoch's last step, as the CPU run's does.
        ITowerReadout? latest = null;
        int blockStart = 0;
        int lastStep = 0;
        TrainingResult result = trainer.Train(
            tower,
            onStep: (step, values) =>
            {
                latest ??= new GpuTowerReadout(values);
                blockStart = blockStart == 0 ? step.Step : blockStart;
                lastStep = step.Step;
                onStep?.Invoke(step, latest);
            },
            onEpoch: epoch =>
            {
                if (latest is not null)
                {
                    onEpoch?.Invoke(epoch, latest);
                }
            },
            onBlock: () =>
            {
                onBlock?.Invoke(blockStart, lastStep);
                blockStart = 0;
            });

        IReadOnlyList<KeyValuePair<string, double>>[] final = Enumerable.Range(1, tower.Depth)
            .Select(level => (IReadOnlyList<KeyValuePair<string, double>>)spec.Levels[level - 1].Definition.HyperParameters
                .Zip(tower.ReadHyperparameters(level - 1), (h, value) => new KeyValuePair<string, double>(h.Name, value))
                .ToArray())
            .ToArray();
        string[] boundHits = Enumerable.Range(1, tower.Depth)
            .Select(level => BoundHitReport.Describe(spec.Levels[level - 1].Definition, tower.ReadBoundHits(level - 1)))
            .ToArray();
        return new TowerRunResult(spec, result, final, boundHits, trainer.Refusal?.Message);
    }
}
