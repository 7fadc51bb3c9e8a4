using BenchmarkDotNet.Attributes;
using HyperGen.Bench;
using HyperGen.Optimizers;

namespace HyperGen.Benchmarks;

/// <summary>
/// One level-1 step of SGD, Adam and RMSProp towers (levels 2 and up: <c>sgd(alpha=1e-5)</c>) against the
/// hand-written SIMD Adam step of <c>hypergen bench</c>, by parameter count and depth. The same code and data as
/// <c>hypergen bench</c>, with BenchmarkDotNet's statistics; the ratio column is relative to plain Adam.
/// </summary>
[MemoryDiagnoser]
public class DepthBenchmarks
{
    private IMeasuredStep? _step;

    /// <summary>The number of parameters.</summary>
    [Params(1 << 20, 1 << 24)]
    public int N { get; set; }

    /// <summary>The tower depth (plain Adam ignores it).</summary>
    [Params(1, 2, 3, 32)]
    public int Depth { get; set; }

    [GlobalSetup(Target = nameof(PlainAdam))]
    public void SetUpPlainAdam() => _step = new PlainAdam<float>(BenchData.Weights<float>(N), BenchData.Gradients<float>(N));

    [GlobalSetup(Target = nameof(SgdTower))]
    public void SetUpSgdTower() => _step = CreateTower(Sgd.Definition);

    [GlobalSetup(Target = nameof(AdamTower))]
    public void SetUpAdamTower() => _step = CreateTower(Adam.Definition);

    [GlobalSetup(Target = nameof(RmsPropTower))]
    public void SetUpRmsPropTower() => _step = CreateTower(RmsProp.Definition);

    [Benchmark(Baseline = true)]
    public void PlainAdam() => _step!.Step();

    [Benchmark]
    public void SgdTower() => _step!.Step();

    [Benchmark]
    public void AdamTower() => _step!.Step();

    [Benchmark]
    public void RmsPropTower() => _step!.Step();

    private TowerStep<float> CreateTower(OptimizerDefinition levelOne) =>
        new(TowerShape.Default.Build(levelOne, Depth), BenchData.Weights<float>(N), BenchData.Gradients<float>(N));
}
