using System;
using System.IO;
using HyperGen.Training;
using HyperGen.Training.Data;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>An optimizer that refuses a step (as a tower does on a NaN) stops the run as diverged, weights intact.</summary>
public sealed class TrainerRefusalTests
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");

    [Fact]
    public void A_refused_step_stops_the_run_as_diverged_and_leaves_the_weights_as_they_were()
    {
        FashionMnistDataset data = FashionMnist.Load(Subset);
        using var trainer = new Trainer(data, new TrainingOptions { Epochs = 2, Seed = 5 });
        var optimizer = new RefusingOptimizer(refuseAtStep: 4);

        TrainingResult result = trainer.Train(optimizer);

        Assert.True(result.Diverged);
        Assert.Equal(4, optimizer.Calls);
        Assert.Equal(optimizer.WeightsBeforeRefusal, trainer.Model.Parameters);
    }

    /// <summary>Plain SGD that refuses its n-th step, as a tower refuses a non-finite one: nothing changed.</summary>
    private sealed class RefusingOptimizer(int refuseAtStep) : IParameterOptimizer
    {
        private readonly SgdOptimizer _sgd = new();

        public int Calls { get; private set; }

        public float[] WeightsBeforeRefusal { get; private set; } = [];

        public bool Step(Span<float> weights, ReadOnlySpan<float> gradients)
        {
            Calls++;
            if (Calls == refuseAtStep)
            {
                WeightsBeforeRefusal = weights.ToArray();
                return false;
            }

            return _sgd.Step(weights, gradients);
        }
    }
}
