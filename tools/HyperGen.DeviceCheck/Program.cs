using System;
using System.Globalization;
using System.IO;
using System.Linq;
using HyperGen.DeviceCheck;
using HyperGen.Kernels;

// hypergen-device-check: checks GPU towers against the CPU tower and times Adam towers on the device.
//   agreement [--size LOG2] [--steps K]             every built-in tower at depths 1-3, GPU vs CPU
//   bench [--sizes 24,26] [--depths 1,2,3,32] [--steps K] [--out FILE]   level-1 step times, device copy
//   all [--out FILE]                                 both, with the defaults
// --cpu runs on ILGPU's CPU accelerator (for a smoke test without a GPU); otherwise a GPU is required.
try
{
    string command = args.Length > 0 ? args[0] : "all";
    var options = new Options(args.Skip(1).ToArray());
    using GpuDevice device = options.Has("--cpu") ? GpuDevice.OpenCpu() : GpuDevice.OpenCuda();
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

    if (command is not ("agreement" or "bench" or "all"))
    {
        Console.Error.WriteLine($"Unknown command '{command}'; use agreement, bench or all.");
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
