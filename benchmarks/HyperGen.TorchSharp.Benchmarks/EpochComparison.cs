using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Benchmarks;

/// <summary>
/// Training epochs of a LeNet-5 CNN (61,706 parameters, float32; the model of samples/TorchSharpCnn) over
/// <see cref="Batches"/> batches of 128 images (zero_grad, forward, cross-entropy, backward, <c>opt.step()</c>), with
/// torch.optim.Adam as the baseline: <c>HyperGen.TorchSharp.Benchmarks epochs [rounds]</c>.
/// </summary>
/// <remarks>
/// <para>
/// Not a BenchmarkDotNet class, on purpose: an epoch here is half a second of LibTorch's forward and backward, whose
/// time drifts by 10-20 % over a minute on a shared 2-core machine, so measuring one optimizer after the other (as
/// BenchmarkDotNet does) compares the moments as much as the optimizers (it measured depth 1, whose step is a seventh
/// of torch's, at 1.23x, with a multimodal distribution). Here the optimizers take turns, one epoch each per round,
/// so a drift falls on all of them; the report gives medians over the rounds, and the time spent in
/// <c>opt.step()</c> inside those same epochs, which is what the optimizer adds.
/// </para>
/// <para>
/// The images and labels are random (seeded): an epoch's time does not depend on their values, and the comparison
/// needs no data set. Every optimizer trains its own copy of the model, made from the same seed, over the same batches.
/// </para>
/// </remarks>
internal static class EpochComparison
{
    /// <summary>Batches per epoch: 60 of 128, 7,680 images.</summary>
    public const int Batches = 60;

    private const int BatchSize = 128;

    private const int WarmUpRounds = 2;

    public static void Run(int rounds)
    {
        set_num_threads(Environment.ProcessorCount);
        manual_seed(7);
        using Tensor images = randn(Batches * BatchSize, 1, 28, 28);
        using Tensor labels = randint(0, 10, [Batches * BatchSize]);
        (string Label, Training Training)[] rows =
        [
            ("torch.optim.Adam", new Training(p => optim.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999))),
            ("adam (depth 1)", new Training(p => new HyperOptimizer(p, "adam(alpha=1e-3)"))),
            ("adam/sgd (depth 2)", new Training(p => new HyperOptimizer(p, "adam(alpha=1e-3)/sgd(alpha=1e-5)"))),
            ("adam/adam (depth 2)", new Training(p => new HyperOptimizer(p, "adam(alpha=1e-3)/adam(alpha=1e-3)"))),
            ("adam/sgd/sgd (depth 3)", new Training(p => new HyperOptimizer(p, "adam(alpha=1e-3)/sgd(alpha=1e-5)/sgd(alpha=1e-5)"))),
        ];

        var epochs = rows.Select(_ => new List<double>()).ToArray();
        var steps = rows.Select(_ => new List<double>()).ToArray();
        try
        {
            for (int round = 0; round < WarmUpRounds + rounds; round++)
            {
                for (int r = 0; r < rows.Length; r++)
                {
                    (double epoch, double step) = rows[r].Training.Epoch(images, labels);
                    if (round >= WarmUpRounds)
                    {
                        epochs[r].Add(epoch);
                        steps[r].Add(step);
                    }
                }
            }
        }
        finally
        {
            foreach ((_, Training training) in rows)
            {
                training.Dispose();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:u}, {Environment.ProcessorCount} logical cores, LeNet-5, {Batches} batches of {BatchSize}, {rounds} interleaved rounds after {WarmUpRounds} of warm-up"));
        Console.WriteLine();
        Console.WriteLine("| optimizer | epoch, median (min-max) | vs torch.optim.Adam | opt.step() in the epoch, median | vs torch.optim.Adam |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        double baseEpoch = Median(epochs[0]);
        double baseStep = Median(steps[0]);
        for (int r = 0; r < rows.Length; r++)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {rows[r].Label} | {Median(epochs[r]):F1} ms ({epochs[r].Min():F1}-{epochs[r].Max():F1}) | {Median(epochs[r]) / baseEpoch:F3}x | {Median(steps[r]):F2} ms | {Median(steps[r]) / baseStep:F3}x |"));
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>A LeNet, its optimizer, and the loop a user writes.</summary>
    private sealed class Training : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly nn.Module<Tensor, Tensor, Tensor> _criterion = nn.CrossEntropyLoss();
        private readonly optim.Optimizer _optimizer;

        public Training(Func<IEnumerable<Parameter>, optim.Optimizer> create)
        {
            manual_seed(1);
            _model = nn.Sequential(
                ("conv1", nn.Conv2d(1, 6, 5, padding: 2)),
                ("relu1", nn.ReLU()),
                ("pool1", nn.MaxPool2d(2)),
                ("conv2", nn.Conv2d(6, 16, 5)),
                ("relu2", nn.ReLU()),
                ("pool2", nn.MaxPool2d(2)),
                ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(16 * 5 * 5, 120)),
                ("relu3", nn.ReLU()),
                ("fc2", nn.Linear(120, 84)),
                ("relu4", nn.ReLU()),
                ("fc3", nn.Linear(84, 10)));
            _optimizer = create(_model.parameters());
        }

        /// <summary>One epoch: its milliseconds, and those spent in <c>opt.step()</c>.</summary>
        public (double Epoch, double Step) Epoch(Tensor images, Tensor labels)
        {
            _model.train();
            long started = Stopwatch.GetTimestamp();
            long stepping = 0;
            for (int batch = 0; batch < Batches; batch++)
            {
                using var scope = NewDisposeScope();
                Tensor x = images.narrow(0, batch * BatchSize, BatchSize);
                Tensor y = labels.narrow(0, batch * BatchSize, BatchSize);
                _optimizer.zero_grad();
                Tensor loss = _criterion.forward(_model.forward(x), y);
                loss.backward();
                long step = Stopwatch.GetTimestamp();
                _optimizer.step();
                stepping += Stopwatch.GetTimestamp() - step;
            }

            return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, Stopwatch.GetElapsedTime(0, stepping).TotalMilliseconds);
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _criterion.Dispose();
            _model.Dispose();
        }
    }
}
