using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text;
using HyperGen.Bench;
using HyperGen.Cli.Commands.Train;
using HyperGen.Kernels;

namespace HyperGen.Cli.Commands.Bench;

/// <summary>
/// <c>hypergen bench</c>: measures, in one process and run, a copy of N elements (the bandwidth reference), a
/// hand-written SIMD Adam step, and level-1 steps of HyperGen towers at several depths, and prints a markdown
/// table (or JSON) with median times, effective bandwidth, the ratio to plain Adam and bytes allocated per step.
/// With <c>--device gpu</c> the same rows run on the first CUDA GPU: a device copy, a hand-written ILGPU Adam and
/// GPU towers.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var sizes = new Option<string?>("--n")
        {
            Description = $"Parameter counts, comma-separated; digits or powers of two. Default: {CpuSizes} on the CPU, {GpuSizes} on a GPU.",
            HelpName = "N,..",
        };
        var device = new Option<string>("--device")
        {
            Description = "Where the operations run: this machine's CPU cores, or the first CUDA GPU (a device copy, a hand-written ILGPU Adam and GPU towers; float).",
            DefaultValueFactory = _ => "cpu",
        };
        device.AcceptOnlyFromAmong("cpu", "gpu");
        var optimizers = new Option<string>("--optimizers")
        {
            Description = "Level-1 optimizers of the towers, comma-separated.",
            HelpName = "NAME,..",
            DefaultValueFactory = _ => "sgd,adam,rmsprop",
        };
        var depths = new Option<string>("--depths")
        {
            Description = "Tower depths, comma-separated.",
            HelpName = "D,..",
            DefaultValueFactory = _ => "1,2,3,32",
        };
        var above = new Option<string>("--above")
        {
            Description = "The level repeated above level 1, or 'same' for the paper's recursive tower of the level-1 optimizer.",
            HelpName = "LEVEL",
            DefaultValueFactory = _ => TowerShape.DefaultAbove,
        };
        var precision = new Option<string>("--precision")
        {
            Description = "The precision of every buffer.",
            DefaultValueFactory = _ => "float",
        };
        precision.AcceptOnlyFromAmong("float", "double");
        var budget = new Option<int>("--budget-ms")
        {
            Description = "Time for the timed repetitions of each row, after a warm-up of a quarter of it.",
            HelpName = "MS",
            DefaultValueFactory = _ => 1000,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of markdown." };
        var output = new Option<string?>("--out")
        {
            Description = "Also write the report to this file.",
            HelpName = "FILE",
        };

        var command = new Command("bench", "Measure tower steps against a copy and a hand-written SIMD Adam step on this machine.")
        {
            sizes, optimizers, depths, above, precision, device, budget, json, output,
        };
        command.SetAction(result =>
        {
            OptimizerCatalog catalog = OptimizerCatalog.BuiltIn;
            bool onGpu = result.GetRequiredValue(device) == "gpu";
            if (onGpu && result.GetRequiredValue(precision) != "float")
            {
                throw new CliInputException("--precision: the GPU bench runs in float (--device gpu)");
            }

            var plan = new BenchPlan(
                BenchOptionParser.ParseSizes(result.GetValue(sizes) ?? (onGpu ? GpuSizes : CpuSizes)),
                BenchOptionParser.ParseOptimizers(result.GetRequiredValue(optimizers), catalog),
                BenchOptionParser.ParseDepths(result.GetRequiredValue(depths)),
                result.GetRequiredValue(precision),
                BenchOptionParser.ParseShape(result.GetRequiredValue(above), catalog),
                BenchOptionParser.ParseBudget(result.GetValue(budget)));
            return Execute(plan, onGpu, result.GetValue(json), result.GetValue(output), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>The CPU's default sizes: one that fits in cache, one that does not.</summary>
    private const string CpuSizes = "2^20,2^24";

    /// <summary>A GPU's default sizes: 2^26 is where docs/gpu.md compares with PyTorch's fused Adam, timed there by the device check.</summary>
    private const string GpuSizes = "2^24,2^26";

    private static int Execute(BenchPlan plan, bool onGpu, bool asJson, string? outputPath, TextWriter stdout, TextWriter stderr)
    {
        // Open the output file and the device before measuring: a bad path or a missing GPU should not wait for a run.
        using StreamWriter? file = outputPath is null ? null : OpenOutput(outputPath);
        using GpuDevice? gpu = onGpu ? TrainingDevice.OpenGpu("--device cpu") : null;
        foreach (Assembly assembly in new[] { typeof(BenchCommand).Assembly, typeof(Tower<>).Assembly })
        {
            if (assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
            {
                stderr.WriteLine($"hypergen: warning: {assembly.GetName().Name} is a Debug build, so these timings say little; build with -c Release");
            }
        }

        BenchReport report = BenchRunner.Run(plan, stderr, gpu: gpu);
        string text = asJson ? JsonReportWriter.Write(report) : MarkdownReportWriter.Write(report);
        stdout.Write(text);
        file?.Write(text);
        return ExitCodes.Success;
    }

    private static StreamWriter OpenOutput(string path)
    {
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            return new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliInputException($"--out: cannot write '{path}': {e.Message}", e);
        }
    }
}
