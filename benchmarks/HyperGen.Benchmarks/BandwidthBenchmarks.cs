using BenchmarkDotNet.Attributes;
using HyperGen.Cli.Bench;

namespace HyperGen.Benchmarks;

/// <summary>
/// The bandwidth reference of <c>hypergen bench</c>: a streaming copy of N floats on every core, against the
/// hand-written SIMD Adam step. Effective bandwidth: 8 bytes per element for the copy, 28 for Adam.
/// </summary>
[MemoryDiagnoser]
public class BandwidthBenchmarks
{
    private IMeasuredStep? _step;

    /// <summary>The number of elements.</summary>
    [Params(1 << 20, 1 << 24)]
    public int N { get; set; }

    [GlobalSetup(Target = nameof(PlainAdam))]
    public void SetUpPlainAdam() => _step = new PlainAdam<float>(BenchData.Weights<float>(N), BenchData.Gradients<float>(N));

    [GlobalSetup(Target = nameof(Copy))]
    public void SetUpCopy() => _step = new BufferCopy<float>(BenchData.Gradients<float>(N));

    [Benchmark(Baseline = true)]
    public void PlainAdam() => _step!.Step();

    [Benchmark]
    public void Copy() => _step!.Step();
}
