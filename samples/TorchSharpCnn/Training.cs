using System;
using System.Collections.Generic;
using System.Diagnostics;
using HyperGen.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchSharpCnn;

/// <summary>
/// What one epoch did: its training time, mean training loss, test error, and the learned step size (if any).
/// <paramref name="RefusedStep"/> is set when the tower refused a step there (a NaN or an infinity): the run stopped
/// at that step with the last good weights, and the epoch is incomplete.
/// </summary>
internal sealed record EpochResult(int Epoch, double Seconds, double TrainLoss, double TestErrorPercent, double? Alpha, long? RefusedStep = null)
{
    /// <summary>Whether the run diverged in this epoch (see <see cref="RefusedStep"/>).</summary>
    public bool Diverged => RefusedStep is not null;
}

/// <summary>Trains a fresh LeNet with one optimizer, the way a TorchSharp user would.</summary>
internal static class Training
{
    /// <summary>The name that selects TorchSharp's own Adam (lr 1e-3, betas 0.9 and 0.999) instead of a tower.</summary>
    public const string TorchAdam = "torch.optim.Adam";

    public static List<EpochResult> Run(string optimizerName, int seed, int epochs, int batchSize, ImageTensors train, ImageTensors test, Action<EpochResult>? report = null)
    {
        manual_seed(seed);
        using var model = new LeNet();
        using optim.Optimizer optimizer = optimizerName == TorchAdam
            ? optim.Adam(model.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999)
            : new HyperOptimizer(model.named_parameters(), HyperGen.TowerSpec.Parse(optimizerName));
        var tower = optimizer as HyperOptimizer;
        using var criterion = nn.CrossEntropyLoss();
        using var shuffling = new Generator((ulong)seed);
        var results = new List<EpochResult>();
        long steps = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            model.train();
            double lossSum = 0;
            int batches = 0;
            long? refused = null;
            var clock = Stopwatch.StartNew();
            using (Tensor order = randperm(train.Count, generator: shuffling))
            {
                for (long start = 0; start < train.Count; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    Tensor batch = order.narrow(0, start, Math.Min(batchSize, train.Count - start));
                    Tensor x = train.Images.index_select(0, batch);
                    Tensor y = train.Labels.index_select(0, batch);

                    optimizer.zero_grad();
                    Tensor loss = criterion.forward(model.forward(x), y);
                    loss.backward();
                    steps++;
                    try
                    {
                        optimizer.step();
                    }
                    catch (HyperGen.NonFiniteStepException)
                    {
                        // The tower refused the step and changed nothing: this run has diverged. torch.optim.Adam
                        // has no such check; it would go on with NaN weights.
                        refused = steps;
                        break;
                    }

                    lossSum += loss.item<float>();
                    batches++;
                }
            }

            clock.Stop();
            var result = new EpochResult(
                epoch, clock.Elapsed.TotalSeconds, batches > 0 ? lossSum / batches : double.NaN, TestError(model, test), tower?.Levels[0]["alpha"], refused);
            results.Add(result);
            report?.Invoke(result);
            if (result.Diverged)
            {
                break;
            }
        }

        return results;
    }

    /// <summary>The percentage of test images the model gets wrong.</summary>
    public static double TestError(nn.Module<Tensor, Tensor> model, ImageTensors test)
    {
        model.eval();
        using var noGrad = no_grad();
        long wrong = 0;
        for (long start = 0; start < test.Count; start += 1000)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(1000, test.Count - start);
            Tensor predicted = model.forward(test.Images.narrow(0, start, size)).argmax(1);
            wrong += predicted.ne(test.Labels.narrow(0, start, size)).sum().item<long>();
        }

        return 100.0 * wrong / test.Count;
    }
}
