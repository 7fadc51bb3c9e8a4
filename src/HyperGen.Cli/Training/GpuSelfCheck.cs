using System;
using HyperGen.Kernels;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;

namespace HyperGen.Cli.Training;

/// <summary>
/// Checks, before a run trains on a GPU, that the device computes what the CPU path computes: one small batch through
/// the GPU model against the CPU <see cref="Mlp"/> from the same weights (loss gradient, every element), then one
/// step of the run's tower on those gradients. It compiles every kernel the run will use, so a device or driver that
/// cannot run them fails here, before any output, rather than partway through training.
/// </summary>
internal static class GpuSelfCheck
{
    /// <summary>Rows in the check's batch: every kernel runs, at a fraction of a training step's cost.</summary>
    private const int BatchSize = 8;

    /// <summary>
    /// Agreement the check asks for: |gpu - cpu| &lt;= Absolute + Relative * |cpu| per gradient element. Looser than
    /// the tests' (1e-6 + 1e-4 |cpu|), since a real device may fuse multiply-adds and sum in another order; a wrong
    /// kernel misses it by orders of magnitude.
    /// </summary>
    internal const double Absolute = 1e-5;

    /// <inheritdoc cref="Absolute"/>
    internal const double Relative = 1e-3;

    /// <summary>Runs the check; returns null when the device agrees with the CPU, else what went wrong.</summary>
    public static string? Run(GpuDevice device, TowerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(spec);
        MlpShape shape = MlpShape.Paper;
        float[] inputs = new float[BatchSize * shape.Inputs];
        byte[] labels = new byte[BatchSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            // Pixel-like values in [0, 1) that vary along rows and columns, so no product is degenerate.
            inputs[i] = (i * 37 % 256) / 255f;
        }

        for (int row = 0; row < BatchSize; row++)
        {
            labels[row] = (byte)(row % shape.Classes);
        }

        try
        {
            using var cpu = new Mlp(shape, BatchSize);
            cpu.InitializeParameters(seed: 1);
            cpu.Forward(inputs, BatchSize);
            cpu.Backward(labels);

            using var gpu = new GpuMlp(device.Accelerator, shape, BatchSize);
            gpu.SetParameters(cpu.Parameters);
            gpu.Upload(inputs, labels);
            gpu.Forward();
            gpu.Backward();
            float[] gradients = new float[shape.ParameterCount];
            gpu.ReadGradients(gradients);
            if (FirstDisagreement(gradients, cpu.Gradients) is { } index)
            {
                return $"the GPU's loss gradient disagrees with the CPU's at parameter {index}: {gradients[index]} against {cpu.Gradients[index]}";
            }

            using var tower = new GpuTower<float>(device.Accelerator, spec, shape.ParameterCount);
            tower.Step(gpu.Parameters, gpu.Gradients);
            device.Accelerator.Synchronize();
            for (int level = 1; level <= tower.Depth; level++)
            {
                foreach (double value in tower.ReadHyperparameters(level))
                {
                    if (!double.IsFinite(value))
                    {
                        return $"one step of the tower on the GPU left a hyperparameter of level {level} at {value}";
                    }
                }
            }

            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the device, driver or kernel compiler threw: the caller reports it and does not train there.
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The first element where <paramref name="gpu"/> and <paramref name="cpu"/> disagree, or null.</summary>
    internal static int? FirstDisagreement(ReadOnlySpan<float> gpu, ReadOnlySpan<float> cpu)
    {
        if (gpu.Length != cpu.Length)
        {
            return Math.Min(gpu.Length, cpu.Length);
        }

        for (int i = 0; i < cpu.Length; i++)
        {
            double expected = cpu[i];
            if (!(Math.Abs(gpu[i] - expected) <= Absolute + (Relative * Math.Abs(expected))))
            {
                return i;
            }
        }

        return null;
    }
}
