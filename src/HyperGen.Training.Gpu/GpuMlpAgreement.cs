using System;
using HyperGen.Training.Model;

namespace HyperGen.Training.Gpu;

/// <summary>
/// Checks that a <see cref="GpuMlp"/> computes what the CPU <see cref="Mlp"/> computes: a small batch through both
/// from the same weights, compared element by element on the loss gradient. It runs every kernel and product of the
/// forward and backward pass, so a device, driver or BLAS that cannot run them fails here rather than mid-training.
/// </summary>
public static class GpuMlpAgreement
{
    /// <summary>Rows in the check's batch: every kernel runs, at a fraction of a training step's cost.</summary>
    public const int BatchSize = 8;

    /// <summary>
    /// Agreement asked for: |gpu - cpu| &lt;= Absolute + Relative * |cpu| per gradient element. Looser than the tests'
    /// (1e-6 + 1e-4 |cpu|), since a real device may fuse multiply-adds and sum in another order; a wrong kernel or a
    /// transposed operand misses it by orders of magnitude.
    /// </summary>
    public const double Absolute = 1e-5;

    /// <inheritdoc cref="Absolute"/>
    public const double Relative = 1e-3;

    /// <summary>
    /// Runs the check on <paramref name="gpu"/> (its parameters and batch are overwritten) against a CPU model of the
    /// same shape; returns null when they agree, else where they first disagree. Device errors propagate.
    /// </summary>
    public static string? Check(GpuMlp gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        MlpShape shape = gpu.Shape;
        int batch = Math.Min(BatchSize, gpu.MaxBatchSize);
        float[] inputs = new float[batch * shape.Inputs];
        byte[] labels = new byte[batch];
        for (int i = 0; i < inputs.Length; i++)
        {
            // Pixel-like values in [0, 1) that vary along rows and columns, so no product is degenerate.
            inputs[i] = (i * 37 % 256) / 255f;
        }

        for (int row = 0; row < batch; row++)
        {
            labels[row] = (byte)(row % shape.Classes);
        }

        using var cpu = new Mlp(shape, batch);
        cpu.InitializeParameters(seed: 1);
        cpu.Forward(inputs, batch);
        cpu.Backward(labels);

        gpu.SetParameters(cpu.Parameters);
        gpu.Upload(inputs, labels);
        gpu.Forward();
        gpu.Backward();
        float[] gradients = new float[shape.ParameterCount];
        gpu.ReadGradients(gradients);
        return FirstDisagreement(gradients, cpu.Gradients) is { } index
            ? $"the GPU's loss gradient disagrees with the CPU's at parameter {index}: {gradients[index]} against {cpu.Gradients[index]}"
            : null;
    }

    /// <summary>The first element where <paramref name="gpu"/> and <paramref name="cpu"/> disagree, or null.</summary>
    public static int? FirstDisagreement(ReadOnlySpan<float> gpu, ReadOnlySpan<float> cpu)
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
