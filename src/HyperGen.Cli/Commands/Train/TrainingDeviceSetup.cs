using System.CommandLine;
using System.IO;
using HyperGen.Kernels;
using HyperGen.Training.Gpu;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Opens the GPU a training command runs on (<c>train</c>, <c>reproduce</c>), after <see cref="GpuSelfCheck"/> found
/// it computing what the CPU computes with the products engine the runs will use. What was asked for explicitly
/// (<c>--device gpu</c>, <c>--gemm cublas</c>) stops the command when it fails; what <c>auto</c> chose falls back,
/// with a warning: cuBLAS to HyperGen's kernels, then the GPU to the CPU.
/// </summary>
internal static class TrainingDeviceSetup
{
    /// <summary>The <c>--device</c> option: cpu, gpu or auto (the default).</summary>
    public static Option<string> DeviceOption()
    {
        var device = new Option<string>("--device")
        {
            Description = "Where to train (auto: the first CUDA GPU when there is one, else the CPU).",
            DefaultValueFactory = _ => "auto",
        };
        device.AcceptOnlyFromAmong("cpu", "gpu", "auto");
        return device;
    }

    /// <summary>The <c>--gemm</c> option: auto (the default), cublas or kernels.</summary>
    public static Option<string> GemmOption()
    {
        var gemm = new Option<string>("--gemm")
        {
            Description = "What runs the model's matrix products on a GPU (auto: cuBLAS when it loads and passes the self-check, else HyperGen's kernels).",
            DefaultValueFactory = _ => "auto",
        };
        gemm.AcceptOnlyFromAmong("auto", "cublas", "kernels");
        return gemm;
    }

    /// <summary>The GPU to train on and what runs its products, or null for the CPU path.</summary>
    /// <param name="device">The <c>--device</c> value: gpu or auto.</param>
    /// <param name="gemm">The <c>--gemm</c> engine.</param>
    /// <param name="spec">A tower the runs use: the self-check takes one step of it.</param>
    /// <param name="stderr">Receives the fallback warnings.</param>
    /// <exception cref="CliInputException">What was asked for explicitly cannot run here.</exception>
    public static TrainingGpu? Open(string device, GemmEngine gemm, TowerSpec spec, TextWriter stderr)
    {
        GpuDevice? opened = TrainingDevice.Open(device);
        if (opened is null)
        {
            return null;
        }

        string where = TrainingDevice.Describe(opened);
        GpuSelfCheckResult check = GpuSelfCheck.Run(opened, spec, gemm);
        if (!check.Passed && gemm == GemmEngine.Auto && check.Gemm == GemmEngine.CuBlas)
        {
            stderr.WriteLine(
                $"hypergen: warning: the GPU self-check on {where} with cuBLAS failed ({check.Problem}); the matrix products run in HyperGen's kernels");
            check = GpuSelfCheck.Run(opened, spec, GemmEngine.Kernels);
        }

        if (check.Passed)
        {
            return new TrainingGpu(opened, check.Gemm, check.GemmDescription!);
        }

        // The device cannot run the GPU path correctly: what auto chose falls back to the CPU, an explicit choice stops.
        opened.Dispose();
        if (gemm == GemmEngine.CuBlas)
        {
            throw new CliInputException($"--gemm cublas: the self-check on {where} failed ({check.Problem}); use --gemm kernels or auto");
        }

        if (device == "gpu")
        {
            throw new CliInputException($"--device gpu: the self-check on {where} failed ({check.Problem}); use --device cpu");
        }

        stderr.WriteLine($"hypergen: warning: the GPU self-check on {where} failed ({check.Problem}); training on the CPU");
        return null;
    }
}
