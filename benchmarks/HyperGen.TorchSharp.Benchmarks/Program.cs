using BenchmarkDotNet.Running;

namespace HyperGen.TorchSharp.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/HyperGen.TorchSharp.Benchmarks -- --filter *</c> runs
/// the step benchmarks (any BenchmarkDotNet option works); <c>-- epochs [rounds]</c> the interleaved CNN epochs
/// (<see cref="EpochComparison"/>, 12 rounds unless given).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "epochs")
        {
            EpochComparison.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 12);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
