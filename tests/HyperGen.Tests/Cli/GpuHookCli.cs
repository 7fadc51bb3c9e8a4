using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// Runs hypergen as a child process with the GPU test hook set there only (HYPERGEN_GPU_ACCELERATOR=cpu: the GPU
/// paths on ILGPU's CPU accelerator), so no other test running in this process sees the variable.
/// </summary>
internal static class GpuHookCli
{
    private static readonly string Hypergen = Path.Combine(AppContext.BaseDirectory, "hypergen.dll");

    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HYPERGEN_GPU_ACCELERATOR"] = "cpu";
        start.ArgumentList.Add(Hypergen);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), $"hypergen {string.Join(' ', args)} did not finish within three minutes");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
