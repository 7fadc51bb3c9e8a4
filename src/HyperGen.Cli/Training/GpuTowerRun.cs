using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Kernels;
using HyperGen.Training;
using HyperGen.Training.Data;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;

namespace HyperGen.Cli.Training;

/// <summary>
/// <see cref="TowerRun"/> on an ILGPU accelerator: the same run (seed, data order, initial weights, batches) with
/// the model, the data and the tower on the device, and the same result for the same files.
/// </summary>
internal static class GpuTowerRun
{
    /// <summary>Steps between reads of the device's step log: few enough waits, and a live progress bar still moves.</summary>
    private const int StepsPerReadback = 16;

    /// <summary>Trains for <paramref name="epochs"/> epochs from <paramref name="seed"/> on <paramref name="gpu"/>.</summary>
    public static TowerRunResult Train(
        TrainingGpu gpu,
        FashionMnistDataset data,
        TowerSpec spec,
        int epochs,
        int seed,
        Action<StepReport, ITowerReadout>? onStep = null,
        Action<EpochReport, ITowerReadout>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var options = new TrainingOptions { Epochs = epochs, Seed = seed };
        using var trainer = new GpuTrainer(gpu.Device.Accelerator, data, options, StepsPerReadback, gpu.Gemm);
        using var tower = new GpuTower<float>(gpu.Device.Accelerator, spec, MlpShape.Paper.ParameterCount);

        // The epoch callback sees the hyperparameters after the epoch's last step, as the CPU run's does.
        ITowerReadout? latest = null;
        TrainingResult result = trainer.Train(
            tower,
            onStep: (step, values) =>
            {
                latest ??= new GpuTowerReadout(values);
                onStep?.Invoke(step, latest);
            },
            onEpoch: epoch =>
            {
                if (latest is not null)
                {
                    onEpoch?.Invoke(epoch, latest);
                }
            });

        IReadOnlyList<KeyValuePair<string, double>>[] final = Enumerable.Range(1, tower.Depth)
            .Select(level => (IReadOnlyList<KeyValuePair<string, double>>)spec.Levels[level - 1].Definition.HyperParameters
                .Zip(tower.ReadHyperparameters(level), (h, value) => new KeyValuePair<string, double>(h.Name, value))
                .ToArray())
            .ToArray();
        string[] boundHits = Enumerable.Range(1, tower.Depth)
            .Select(level => BoundHitReport.Describe(spec.Levels[level - 1].Definition, tower.ReadBoundHits(level)))
            .ToArray();
        return new TowerRunResult(spec, result, final, boundHits, trainer.Refusal?.Message);
    }
}
