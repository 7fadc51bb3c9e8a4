using System;
using HyperGen.Kernels;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Where <c>train</c> runs: <c>--device cpu</c> (the SIMD CPU path), <c>gpu</c> (the first CUDA GPU, or an error)
/// or <c>auto</c> (the GPU when there is one, else the CPU).
/// </summary>
internal static class TrainingDevice
{
    /// <summary>
    /// The test hook: with this variable set to <c>cpu</c>, <c>--device gpu</c> runs the GPU path on ILGPU's CPU
    /// accelerator (a slow GPU emulator), so tests exercise it end to end on machines without a GPU. It does not
    /// change <c>auto</c>, which only ever picks a real GPU. Documented in docs/gpu.md.
    /// </summary>
    public const string AcceleratorVariable = "HYPERGEN_GPU_ACCELERATOR";

    /// <summary>
    /// The ILGPU device to train on, or null for the CPU path.
    /// </summary>
    /// <exception cref="CliInputException"><c>gpu</c> was asked for and no CUDA GPU was found.</exception>
    public static GpuDevice? Open(string device)
    {
        switch (device)
        {
            case "cpu":
                return null;
            case "gpu":
                return OpenGpu("--device cpu (or auto)");

            default:
                GpuDevice found = GpuDevice.Open();
                if (found.IsCuda)
                {
                    return found;
                }

                found.Dispose();
                return null;
        }
    }

    /// <summary>
    /// The first CUDA GPU (or, with the test hook, ILGPU's CPU accelerator) for <c>--device gpu</c>.
    /// </summary>
    /// <param name="alternative">The options the error suggests instead.</param>
    /// <exception cref="CliInputException">No CUDA GPU was found.</exception>
    public static GpuDevice OpenGpu(string alternative)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(AcceleratorVariable), "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return GpuDevice.OpenCpu();
        }

        try
        {
            return GpuDevice.OpenCuda();
        }
        catch (InvalidOperationException e)
        {
            throw new CliInputException($"--device gpu: {e.Message} Use {alternative} on this machine.", e);
        }
    }

    /// <summary>The <c>device:</c> line's value: <c>cpu</c>, or <c>gpu (NAME)</c>.</summary>
    public static string Describe(GpuDevice? device) => device switch
    {
        null => "cpu",
        { IsCuda: true } => $"gpu ({device.Accelerator.Name})",
        _ => $"gpu (ILGPU CPU accelerator, a GPU emulator for tests: {AcceleratorVariable}=cpu)",
    };
}
