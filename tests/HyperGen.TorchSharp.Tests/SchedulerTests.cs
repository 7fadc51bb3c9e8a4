using System;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace HyperGen.TorchSharp.Tests;

/// <summary>A scheduler's learning rate is the top level's alpha: the one step size the tower does not learn.</summary>
public sealed class SchedulerTests
{
    [Fact]
    public void At_depth_one_a_scheduler_sets_the_ordinary_learning_rate()
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], "adam(alpha=0.01)");
        Assert.Equal(0.01, optimizer.Groups[0].LearningRate);
        var scheduler = lr_scheduler.StepLR(optimizer, step_size: 1, gamma: 0.5);
        Step(optimizer, a);
        scheduler.step();
        Step(optimizer, a);
        Assert.Equal((double)0.005f, optimizer.Levels[0]["alpha"]);
        (double beta1, double beta2) = optimizer.Betas;
        Assert.Equal(0.9, beta1, 1e-6);
        Assert.Equal(0.999, beta2, 1e-6);
        optimizer.Betas = (0.8, 0.99);
        Assert.Equal(0.8, optimizer.Levels[0]["beta1"], 1e-6);
    }

    [Fact]
    public void Above_depth_one_a_scheduler_sets_the_top_levels_step_size_and_the_learned_one_is_left_to_the_tower()
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], "adam(alpha=0.01)/sgd(alpha=1e-4)");
        Assert.Equal(1e-4, optimizer.Groups[0].LearningRate);
        var scheduler = lr_scheduler.StepLR(optimizer, step_size: 1, gamma: 0.1);
        Step(optimizer, a);
        Step(optimizer, a);
        scheduler.step();
        Step(optimizer, a);
        Assert.Equal((double)1e-5f, optimizer.Levels[1]["alpha"]);
        Assert.NotEqual(0.01, optimizer.Levels[0]["alpha"], 1e-7);
        Assert.Throws<InvalidOperationException>(() => optimizer.Betas);
    }

    [Fact]
    public void A_learning_rate_outside_alphas_bounds_is_refused_at_the_next_step()
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], "sgd(alpha=0.1, alpha in [0.01, 1])");
        optimizer.Groups[0].LearningRate = 2;
        using (Tensor loss = (a * a).sum())
        {
            loss.backward();
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.step());
        Assert.Equal(new float[] { 1, 2, 3 }, TensorValues.Read<float>(a));
    }

    private static void Step(HyperOptimizer optimizer, Parameter a)
    {
        optimizer.zero_grad();
        using (Tensor loss = (a * a).sum())
        {
            loss.backward();
        }

        optimizer.step();
    }
}
