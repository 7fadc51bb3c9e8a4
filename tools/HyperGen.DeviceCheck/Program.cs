using System;
using System.Globalization;
using System.IO;
using System.Linq;
using HyperGen.DeviceCheck;
using HyperGen.Kernels;

// hypergen-device-check: checks GPU towers against the CPU tower, times Adam towers and MLP training steps on the device.
//   agreement [--size LOG2] [--steps K]             every built-in tower at depths 1-3, GPU vs CPU
//   bench [--sizes 24,26] [--depths 1,2,3,32] [--steps K] [--out FILE]   level-1 step times, device copy
//   mlp [--towers "T1;T2"] [--gemm kernels,cublas] [--steps K] [--warmup K] [--readback K] [--batch B] [--out FILE]
//                                                    MLP training steps as `hypergen train --device gpu` runs them,
//                                                    with each matrix-product engine (checked against the CPU model first)
//   all [--out FILE]                                 agreement and bench, then mlp (to hypergen-mlp.json), with the defaults
// --cpu (or --accelerator cpu) runs on ILGPU's CPU accelerator (for a smoke test without a GPU); otherwise a GPU is required.
try
{
    string command = args.Length > 0 ? args[0] : "all";
    var options = new Options(args.Skip(1).ToArray());
    using GpuDevice device = options.WantsCpu() ? GpuDevice.OpenCpu() : GpuDevice.OpenCuda();
    Console.WriteLine($"device: {device.Description}");
    bool agreed = true;
    if (command is "agreement" or "all")
    {
        agreed = AgreementCheck.Run(device.Accelerator, options.Int("--size", 18), options.Int("--steps", 10), Console.Out);
    }

    if (command is "bench" or "all")
    {
        int[] sizes = options.Ints("--sizes", [24, 26]);
        int[] depths = options.Ints("--depths", [1, 2, 3, 32]);
        BenchResults results = StepBenchmark.Run(device, sizes, depths, options.Int("--steps", 50), Console.Out);
        string output = options.Text("--out", "hypergen-bench.json");
        File.WriteAllText(output, results.ToJson());
        Console.WriteLine($"wrote {output}");
    }

    if (command is "mlp" or "all")
    {
        // Under "all", --steps and --out belong to bench; the MLP run keeps its own defaults.
        bool own = command == "mlp";
        MlpBenchmarkSettings defaults = MlpBenchmarkSettings.Default;
        var settings = new MlpBenchmarkSettings(
            own ? options.Int("--warmup", defaults.WarmUpSteps) : defaults.WarmUpSteps,
            own ? options.Int("--steps", defaults.TimedSteps) : defaults.TimedSteps,
            own ? options.Int("--readback", defaults.StepsPerReadback) : defaults.StepsPerReadback,
            own ? options.Int("--batch", defaults.BatchSize) : defaults.BatchSize);
        string towers = own ? options.Text("--towers", "") : "";
        string engines = own ? options.Text("--gemm", "") : "";
        MlpResults results = MlpBenchmark.Run(
            device,
            towers.Length == 0 ? MlpBenchmark.DefaultTowers : towers.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            engines.Length == 0 ? MlpBenchmark.DefaultEngines : engines.Split(',').Select(MlpBenchmark.ParseEngine).ToArray(),
            settings,
            Console.Out);
        string output = own ? options.Text("--out", "hypergen-mlp.json") : "hypergen-mlp.json";
        File.WriteAllText(output, results.ToJson());
        Console.WriteLine($"wrote {output}");
    }

    if (command is not ("agreement" or "bench" or "mlp" or "all"))
    {
        Console.Error.WriteLine($"Unknown command '{command}'; use agreement, bench, mlp or all.");
        return 2;
    }

    return agreed ? 0 : 1;
}
catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return 2;
}

namespace HyperGen.DeviceCheck
{
    /// <summary>The command line's options: <c>--name value</c> pairs and <c>--flag</c>s.</summary>
    internal sealed class Options(string[] args)
    {
        public bool Has(string name) => args.Contains(name, StringComparer.Ordinal);

        /// <summary>Whether <c>--cpu</c> or <c>--accelerator cpu</c> asks for ILGPU's CPU accelerator (<c>--accelerator cuda</c>, the default, does not).</summary>
        public bool WantsCpu()
        {
            string accelerator = Text("--accelerator", "cuda");
            if (accelerator is not ("cpu" or "cuda"))
            {
                throw new ArgumentException($"--accelerator takes cpu or cuda, not '{accelerator}'.");
            }

            return Has("--cpu") || accelerator == "cpu";
        }

        public string Text(string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            if (at < 0)
            {
                return fallback;
            }

            if (at + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            return args[at + 1];
        }

        public int Int(string name, int fallback) =>
            int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        public int[] Ints(string name, int[] fallback)
        {
            string text = Text(name, "");
            return text.Length == 0
                ? fallback
                : text.Split(',').Select(part => int.Parse(part, CultureInfo.InvariantCulture)).ToArray();
        }
    }
}
