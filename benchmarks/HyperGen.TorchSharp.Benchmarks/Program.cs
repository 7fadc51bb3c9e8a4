using BenchmarkDotNet.Running;

namespace HyperGen.TorchSharp.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/HyperGen.TorchSharp.Benchmarks -- --filter *</c>; any
/// BenchmarkDotNet option works.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
