using System;
using HyperGen.Kernels;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Checks, before a run trains on a GPU, that the device computes what the CPU path computes: the model's loss
/// gradient on a small batch against the CPU model's (<see cref="GpuMlpAgreement"/>), with the matrix-product engine
/// the run will use, then one step of the run's tower on those gradients. It compiles every kernel the run will
/// use, so a device, driver or BLAS that cannot run them fails here, before any output, rather than partway through
/// training.
/// </summary>
internal static class GpuSelfCheck
{
    /// <summary>Runs the check with the run's matrix products (<paramref name="gemm"/>).</summary>
    /// <returns>What went wrong (null when the device agrees with the CPU), and what ran the products.</returns>
    public static GpuSelfCheckResult Run(GpuDevice device, TowerSpec spec, GemmEngine gemm = GemmEngine.Auto)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(spec);
        MlpShape shape = MlpShape.Paper;
        GemmEngine engine = gemm;
        string? engineDescription = null;
        try
        {
            using var gpu = new GpuMlp(device.Accelerator, shape, GpuMlpAgreement.BatchSize, gemm);
            (engine, engineDescription) = (gpu.Gemm, gpu.GemmDescription);
            if (GpuMlpAgreement.Check(gpu) is { } disagreement)
            {
                return Failed(disagreement);
            }

            using var tower = new GpuTower<float>(device.Accelerator, spec, shape.ParameterCount);
            tower.Step(gpu.Parameters, gpu.Gradients);
            device.Accelerator.Synchronize();
            for (int level = 1; level <= tower.Depth; level++)
            {
                foreach (double value in tower.ReadHyperparameters(level - 1))
                {
                    if (!double.IsFinite(value))
                    {
                        return Failed($"one step of the tower on the GPU left a hyperparameter of level {level} at {value}");
                    }
                }
            }

            return new GpuSelfCheckResult(null, engine, engineDescription);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the device, driver, BLAS or kernel compiler threw: the caller reports it and does not train there.
            return Failed($"{e.GetType().Name}: {e.Message}");
        }

        GpuSelfCheckResult Failed(string problem) => new(problem, engine, engineDescription);
    }
}

/// <summary>What <see cref="GpuSelfCheck.Run"/> found.</summary>
/// <param name="Problem">What went wrong; null when the device computes what the CPU computes.</param>
/// <param name="Gemm">The engine that ran the matrix products (the one asked for, if the model could not be built).</param>
/// <param name="GemmDescription">That engine in words (<see cref="GpuMlp.GemmDescription"/>); null if the model could not be built.</param>
internal sealed record GpuSelfCheckResult(string? Problem, GemmEngine Gemm, string? GemmDescription)
{
    /// <summary>Whether the device passed.</summary>
    public bool Passed => Problem is null;
}
