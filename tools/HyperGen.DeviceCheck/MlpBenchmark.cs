using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HyperGen.Kernels;
using HyperGen.Training;
using HyperGen.Training.Data;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;

namespace HyperGen.DeviceCheck;

/// <summary>What <see cref="MlpBenchmark"/> runs: how many steps, in blocks of how many, at which batch size.</summary>
/// <param name="WarmUpSteps">Steps run before timing (kernel compilation, first launches); rounded up to whole blocks.</param>
/// <param name="TimedSteps">Steps timed; rounded up to whole blocks.</param>
/// <param name="StepsPerReadback">Steps between the trainer's reads of its device log: one timed block.</param>
/// <param name="BatchSize">Images per step.</param>
internal sealed record MlpBenchmarkSettings(int WarmUpSteps, int TimedSteps, int StepsPerReadback, int BatchSize)
{
    public int WarmUpSteps { get; } = WarmUpSteps > 0 ? WarmUpSteps : throw new ArgumentException("--warmup must be at least 1.");

    public int TimedSteps { get; } = TimedSteps > 0 ? TimedSteps : throw new ArgumentException("--steps must be at least 1.");

    public int StepsPerReadback { get; } = StepsPerReadback > 0 ? StepsPerReadback : throw new ArgumentException("--readback must be at least 1.");

    public int BatchSize { get; } = BatchSize > 0 ? BatchSize : throw new ArgumentException("--batch must be at least 1.");

    /// <summary>
    /// What <c>hypergen train --device gpu</c> uses (GpuTowerRun's StepsPerReadback is 16; batch 256 as in the paper)
    /// with 20 warm-up and 200 timed steps.
    /// </summary>
    public static MlpBenchmarkSettings Default { get; } = new(20, 200, 16, 256);

    public int WarmUpBlocks => Blocks(WarmUpSteps);

    public int TimedBlocks => Blocks(TimedSteps);

    private int Blocks(int steps) => Math.Max(1, (steps + StepsPerReadback - 1) / StepsPerReadback);
}

/// <summary>
/// Times training steps of the paper's MLP (784-128-10) on the device through the same path as
/// <c>hypergen train --device gpu</c>: a <see cref="GpuTrainer"/> (device-side batch gather, forward, loss, backward,
/// a <see cref="GpuTower{T}"/> step and the per-step log) reading its log back every
/// <see cref="MlpBenchmarkSettings.StepsPerReadback"/> steps, which is the only time the host waits for the device.
/// </summary>
/// <remarks>
/// <para>
/// The trainer reports steps when it reads its log, right after it has waited for the device; the time from one
/// read to the next is therefore the real cost of one block of steps (enqueueing, running, waiting, reading the log,
/// reporting), and a step's time is that divided by the block's steps. The median over blocks is reported, so one
/// slow block (a page fault, another process) does not move it; the mean comes with it.
/// </para>
/// <para>
/// The data are synthetic bytes of Fashion-MNIST's shape (the full set is not on the GPU machine; timing does not
/// depend on pixel values), exactly as many images as the warm-up and timed blocks use in one epoch, so every batch
/// is full and the epoch's end (its last short batch, the test evaluation) falls outside the timed blocks. A real
/// run also shuffles and uploads the epoch order once per epoch (0.1 ms in 235 steps on the full set); that happens
/// before the first, untimed block here.
/// </para>
/// </remarks>
internal static class MlpBenchmark
{
    /// <summary>The issue's tower, the two-level tower the paper times most, and plain Adam for reference.</summary>
    public static IReadOnlyList<string> DefaultTowers { get; } =
    [
        "adam(alpha=1e-3)/sgd(alpha=1e-5)/sgd(alpha=1e-5)",
        "adam(alpha=1e-3)/sgd(alpha=1e-5)",
        "adam(alpha=1e-3)",
    ];

    /// <summary>Both engines for the model's matrix products: HyperGen's tiled kernels and cuBLAS.</summary>
    public static IReadOnlyList<GemmEngine> DefaultEngines { get; } = [GemmEngine.Kernels, GemmEngine.CuBlas];

    public static MlpResults Run(
        GpuDevice device, IReadOnlyList<string> towers, IReadOnlyList<GemmEngine> engines, MlpBenchmarkSettings settings, TextWriter output)
    {
        var results = new MlpResults(device.Description, settings);
        FashionMnistDataset data = SyntheticData(settings);
        output.WriteLine(
            $"MLP {MlpShape.Paper.Inputs}-{MlpShape.Paper.Hidden}-{MlpShape.Paper.Classes}, batch {settings.BatchSize}, " +
            $"log read every {settings.StepsPerReadback} steps, {settings.WarmUpBlocks * settings.StepsPerReadback} warm-up steps, " +
            $"{data.Train.Count} synthetic images");
        foreach (GemmEngine engine in engines)
        {
            string name = engine.ToName();

            // An engine that cannot run here is reported, not timed; one that runs is first checked against the CPU
            // model, so a time is never reported for products that compute something else.
            string description;
            string? agreement;
            try
            {
                using var probe = new GpuMlp(device.Accelerator, MlpShape.Paper, GpuMlpAgreement.BatchSize, engine);
                description = probe.GemmDescription;
                agreement = GpuMlpAgreement.Check(probe);
            }
            catch (NotSupportedException e)
            {
                results.AddUnavailable(name, e.Message);
                output.WriteLine($"mlp products {name}: not available: {e.Message}");
                continue;
            }

            output.WriteLine($"mlp products {name} ({description}): {agreement ?? "the loss gradient agrees with the CPU model's"}");
            foreach (string tower in towers)
            {
                MlpCase result = TimeTower(device, data, tower, engine, settings) with
                {
                    Gemm = name,
                    GemmDescription = description,
                    Agreement = agreement,
                };
                results.Add(result);
                string note = result.Diverged ? " (diverged: fewer steps)" : "";
                output.WriteLine(
                    $"mlp {tower} [{name}]: {result.MsPerStep:F4} ms/step (median of {result.Blocks} blocks; mean {result.MeanMsPerStep:F4}), " +
                    $"{result.Steps} steps{note}");
            }
        }

        return results;
    }

    /// <summary>The engine a <c>--gemm</c> value names: kernels or cublas.</summary>
    public static GemmEngine ParseEngine(string name) =>
        GemmEngineNames.FromName(name.Trim()) is { } engine && engine != GemmEngine.Auto
            ? engine
            : throw new ArgumentException($"--gemm takes kernels and cublas, not '{name}'.");

    private static MlpCase TimeTower(GpuDevice device, FashionMnistDataset data, string tower, GemmEngine engine, MlpBenchmarkSettings settings)
    {
        TowerSpec spec = TowerSpec.Parse(tower);
        var options = new TrainingOptions { Epochs = 1, Seed = 1, BatchSize = settings.BatchSize };
        using var trainer = new GpuTrainer(device.Accelerator, data, options, settings.StepsPerReadback, engine);
        using var gpuTower = new GpuTower<float>(device.Accelerator, spec, MlpShape.Paper.ParameterCount);

        // A block ends when the trainer reports its first step: it has just waited for the device and read the log.
        var blockEnds = new List<long>(settings.WarmUpBlocks + settings.TimedBlocks);
        int stepsPerBlock = settings.StepsPerReadback;
        TrainingResult result = trainer.Train(gpuTower, onStep: (step, _) =>
        {
            if ((step.StepInEpoch - 1) % stepsPerBlock == 0)
            {
                blockEnds.Add(Stopwatch.GetTimestamp());
            }
        });

        // The last warm-up block's end starts the first timed block.
        double[] msPerStep = blockEnds.Skip(settings.WarmUpBlocks - 1)
            .Zip(blockEnds.Skip(settings.WarmUpBlocks), (start, end) => (end - start) * 1000.0 / Stopwatch.Frequency / stepsPerBlock)
            .ToArray();
        if (msPerStep.Length == 0)
        {
            throw new InvalidOperationException($"The tower {tower} diverged during the warm-up; nothing was timed.");
        }

        return new MlpCase(tower, Median(msPerStep), msPerStep.Average(), msPerStep.Length * stepsPerBlock, msPerStep.Length, result.Diverged);
    }

    /// <summary>Random pixels and labels, seeded: as many training images as the blocks use, one batch of test images.</summary>
    private static FashionMnistDataset SyntheticData(MlpBenchmarkSettings settings)
    {
        MlpShape shape = MlpShape.Paper;
        int train = (settings.WarmUpBlocks + settings.TimedBlocks) * settings.StepsPerReadback * settings.BatchSize;
        var random = new Random(20260101);
        return new FashionMnistDataset(Images(train), Images(settings.BatchSize), DatasetSource.ExplicitDirectory, "(synthetic)");

        LabeledImages Images(int count)
        {
            byte[] pixels = new byte[(long)count * shape.Inputs];
            byte[] labels = new byte[count];
            random.NextBytes(pixels);
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)random.Next(shape.Classes);
            }

            return new LabeledImages(pixels, labels, 28, 28, shape.Classes);
        }
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
