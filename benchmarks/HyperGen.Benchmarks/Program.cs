using BenchmarkDotNet.Running;

namespace HyperGen.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/HyperGen.Benchmarks -- --filter *Depth*</c>; any
/// BenchmarkDotNet option works (<c>--job short</c> for a quick run, <c>--list flat</c> to see the benchmarks).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
