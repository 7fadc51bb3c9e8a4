using BenchmarkDotNet.Attributes;
using HyperGen.Bench;

namespace HyperGen.Benchmarks;

/// <summary>
/// The bandwidth reference of <c>hypergen bench</c>: a copy of N floats on every core, with ordinary and with
/// streaming stores, against the hand-written SIMD Adam step. Effective bandwidth: 8 bytes per element for the
/// copies, 28 for Adam.
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

    [GlobalSetup(Target = nameof(OrdinaryCopy))]
    public void SetUpOrdinaryCopy() => _step = new BufferCopy<float>(BenchData.Gradients<float>(N), streaming: false);

    [GlobalSetup(Target = nameof(StreamingCopy))]
    public void SetUpStreamingCopy() => _step = new BufferCopy<float>(BenchData.Gradients<float>(N), streaming: true);

    [Benchmark(Baseline = true)]
    public void PlainAdam() => _step!.Step();

    [Benchmark]
    public void OrdinaryCopy() => _step!.Step();

    [Benchmark]
    public void StreamingCopy() => _step!.Step();
}
