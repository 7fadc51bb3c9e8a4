using System;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Benchmarks;

/// <summary>
/// One <c>opt.step()</c> on the paper's MLP (784-128-10, float32, 101,770 parameters) with the same gradients:
/// torch.optim.Adam (the baseline) against HyperGen towers of depth 1 to 3, flat and per tensor. Every benchmark has
/// its own copy of the model, made from the same seed, and all run in this process, one after the other.
/// </summary>
[InProcess]
[MemoryDiagnoser]
[WarmupCount(5)]
[IterationCount(15)]
public class StepBenchmarks
{
    private Setup? _torchAdam;
    private Setup? _adam;
    private Setup? _adamSgd;
    private Setup? _adamSgdPerTensor;
    private Setup? _adamSgdSgd;

    [GlobalSetup]
    public void GlobalSetup()
    {
        set_num_threads(Environment.ProcessorCount);
        _torchAdam = new Setup(p => optim.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999));
        _adam = new Setup(p => new HyperOptimizer(p, "adam(alpha=1e-3)"));
        _adamSgd = new Setup(p => new HyperOptimizer(p, "adam(alpha=1e-3)/sgd(alpha=1e-5)"));
        _adamSgdPerTensor = new Setup(p => new HyperOptimizer(p, "adam(alpha=1e-3)/sgd(alpha=1e-5)", flatten: false));
        _adamSgdSgd = new Setup(p => new HyperOptimizer(p, "adam(alpha=1e-3)/sgd(alpha=1e-5)/sgd(alpha=1e-5)"));
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        foreach (Setup? setup in new[] { _torchAdam, _adam, _adamSgd, _adamSgdPerTensor, _adamSgdSgd })
        {
            setup?.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "torch.optim.Adam")]
    public void TorchAdam() => _torchAdam!.Optimizer.step();

    [Benchmark(Description = "adam (depth 1)")]
    public void Adam() => _adam!.Optimizer.step();

    [Benchmark(Description = "adam/sgd (depth 2)")]
    public void AdamSgd() => _adamSgd!.Optimizer.step();

    [Benchmark(Description = "adam/sgd, per tensor")]
    public void AdamSgdPerTensor() => _adamSgdPerTensor!.Optimizer.step();

    [Benchmark(Description = "adam/sgd/sgd (depth 3)")]
    public void AdamSgdSgd() => _adamSgdSgd!.Optimizer.step();

    /// <summary>A model, its optimizer, and one batch's gradients (scaled down, so that the many steps of a run stay finite).</summary>
    private sealed class Setup : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _model;

        public Setup(Func<System.Collections.Generic.IEnumerable<Parameter>, optim.Optimizer> create)
        {
            manual_seed(1);
            _model = nn.Sequential(("fc1", nn.Linear(784, 128)), ("tanh", nn.Tanh()), ("fc2", nn.Linear(128, 10)));
            Optimizer = create(_model.parameters());
            using Tensor x = rand(256, 784);
            using Tensor y = randint(0, 10, [256]);
            using var criterion = nn.CrossEntropyLoss();
            Optimizer.zero_grad();
            using (Tensor output = _model.forward(x))
            using (Tensor loss = criterion.forward(output, y))
            {
                loss.backward();
            }

            using (no_grad())
            {
                foreach (Parameter p in _model.parameters())
                {
                    using Tensor g = p.grad!;
                    g.mul_(1e-3);
                }
            }

            for (int i = 0; i < 3; i++)
            {
                Optimizer.step();
            }
        }

        public optim.Optimizer Optimizer { get; }

        public void Dispose()
        {
            Optimizer.Dispose();
            _model.Dispose();
        }
    }
}
