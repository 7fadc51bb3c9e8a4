using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Runtime;

[Collection(ProcessWideAllocationCollection.Name)]
public sealed class TowerTests
{
    [Fact]
    public void Depth_one_sgd_is_exactly_the_users_step_applied_to_every_weight()
    {
        float[] weights = Enumerable.Range(0, 37).Select(i => MathF.Sin(i)).ToArray();
        float[] expected = (float[])weights.Clone();
        var momentum = new float[weights.Length];
        var tower = new Tower<float>(TowerSpec.Parse("sgd(alpha=0.05, mu=0.9)"), weights.Length);

        for (int step = 0; step < 5; step++)
        {
            float[] gradients = weights.Select((w, i) => (w * 0.5f) - MathF.Cos(i + step)).ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                float g = (expected[i] * 0.5f) - MathF.Cos(i + step);
                Sgd.Step(ref expected[i], g, ref momentum[i], 0.05f, 0.9f);
            }

            tower.Step(weights, gradients);
        }

        Assert.Equal(expected, weights);
    }

    [Fact]
    public void The_first_step_has_zero_hypergradients_and_later_steps_learn()
    {
        var tower = new Tower<double>(TowerSpec.Parse("sgd(alpha=0.1)/sgd(alpha=0.01)"), 1);
        double[] w = [1.0];

        // f(w) = w^2 / 2: gradients keep their sign while w shrinks, so the step size must grow.
        tower.Step(w, [w[0]]);
        Assert.Equal(0.1, tower.Levels[0]["alpha"]);

        tower.Step(w, [w[0]]);
        Assert.True(tower.Levels[0]["alpha"] > 0.1);

        // By hand: G1 = g2 * dw1/dalpha = w1 * (-g1) = 0.9 * -1; alpha2 = 0.1 - 0.01 * G1.
        Assert.Equal(0.1 + (0.01 * 0.9), tower.Levels[0]["alpha"], 15);
        Assert.Equal(2, tower.Levels[0].StepCount);
        Assert.Equal(2, tower.Levels[1].StepCount);
    }

    [Fact]
    public void Momentum_that_starts_at_zero_stays_off()
    {
        var off = new Tower<double>(TowerSpec.Parse("sgd(alpha=0.1, mu=0)/sgd(alpha=0.01)"), 3);
        var on = new Tower<double>(TowerSpec.Parse("sgd(alpha=0.1, mu=0.5)/sgd(alpha=0.01)"), 3);
        double[] w1 = [1, -2, 3];
        double[] w2 = [1, -2, 3];
        for (int step = 0; step < 10; step++)
        {
            off.Step(w1, w1.Select(x => x - 0.5).ToArray());
            on.Step(w2, w2.Select(x => x - 0.5).ToArray());
        }

        Assert.Equal(0.0, off.Levels[0]["mu"]);
        Assert.False(off.Levels[0].IsHyperParameterLearned(1));
        Assert.NotEqual(0.5, on.Levels[0]["mu"]);
    }

    [Fact]
    public void Several_tensors_behave_as_one_flat_buffer()
    {
        const int first = 40_000;
        const int second = 333;
        // Upper step sizes small enough for 40k summed terms: the run stays finite, so every step is taken.
        var spec = TowerSpec.Parse("adam(alpha=0.01)/sgd(alpha=1e-7)/sgd(alpha=1e-16)");
        var flat = new Tower<double>(spec, first + second);
        var split = new Tower<double>(spec, [first, second]);
        double[] flatWeights = Enumerable.Range(0, first + second).Select(i => Math.Cos(i * 0.01)).ToArray();
        double[] a = flatWeights[..first];
        double[] b = flatWeights[first..];

        for (int step = 0; step < 6; step++)
        {
            double[] g = flatWeights.Select((w, i) => w - Math.Sin(i + step)).ToArray();
            flat.Step(flatWeights, g);
            split.Step(
                [a.AsMemory(), b.AsMemory()],
                [g.AsMemory(0, first), g.AsMemory(first)]);
        }

        for (int i = 0; i < first; i++)
        {
            Assert.Equal(flatWeights[i], a[i], 12);
        }

        for (int i = 0; i < second; i++)
        {
            Assert.Equal(flatWeights[first + i], b[i], 12);
        }

        Assert.Equal(flat.Levels[0]["alpha"], split.Levels[0]["alpha"], 12);
        Assert.Equal(flat.Levels[1]["alpha"], split.Levels[1]["alpha"], 12);
    }

    [Fact]
    public void Large_buffers_give_the_same_result_on_every_run()
    {
        // Blocks are summed in a fixed order, so the parallel reduction does not depend on thread timing.
        float[] Run()
        {
            const int n = 300_000;
            var tower = new Tower<float>(TowerSpec.Parse("adam(alpha=0.01)/adam(alpha=1e-4)"), n);
            float[] w = Enumerable.Range(0, n).Select(i => MathF.Sin(i * 0.001f)).ToArray();
            float[] g = new float[n];
            for (int step = 0; step < 4; step++)
            {
                for (int i = 0; i < n; i++)
                {
                    g[i] = w[i] - MathF.Cos(i + step);
                }

                tower.Step(w, g);
            }

            return [.. w, (float)tower.Levels[0]["alpha"], (float)tower.Levels[0]["beta1"]];
        }

        Assert.Equal(Run(), Run());
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(200_000)]
    public void A_depth_three_step_allocates_nothing(int n)
    {
        // Adam recomputes its partials from the previous step's inputs; AdaGrad stores them.
        AssertNoAllocation<float>(n, "adam(alpha=1e-3)/sgd(alpha=1e-10)/sgd(alpha=1e-20)");
        AssertNoAllocation<double>(n, "adam(alpha=1e-3)/sgd(alpha=1e-10)/sgd(alpha=1e-20)");
        AssertNoAllocation<float>(n, "adagrad(alpha=1e-3)/sgd(alpha=1e-10)/sgd(alpha=1e-20)");
    }

    [Fact]
    public void A_skipped_step_allocates_nothing()
    {
        AssertNoAllocation<float>(200_000, "adam(alpha=1e-3)/sgd(alpha=1e-10)/sgd(alpha=1e-20)", poison: true);
    }

    private static void AssertNoAllocation<T>(int n, string spec, bool poison = false)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        // Upper step sizes small enough for the summed hypergradients of this many weights: the run stays finite, so
        // every measured step is a full step, not a refused one (unless the gradients are poisoned on purpose).
        var tower = new Tower<T>(TowerSpec.Parse(spec), n) { NonFinitePolicy = NonFinitePolicy.SkipStep };
        var w = new T[n];
        var g = new T[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = T.CreateTruncating(Math.Sin(i));
            g[i] = T.CreateTruncating(Math.Cos(i));
        }

        for (int step = 0; step < 3; step++)
        {
            tower.Step(w, g);
        }

        // Allocated on first use, before the measured steps.
        g.CopyTo(tower.NextGradients);
        tower.StepWithNextGradients(w);
        if (poison)
        {
            // One refused step before counting, so the first run of the refusal path is not what is measured.
            g[n / 2] = T.NaN;
            tower.Step(w, g);
        }

        // Count this thread and the tower's worker threads (large steps run on both), not the rest of the
        // test process. A step that allocates shows in every round of 20 steps; the runtime's own one-off work (a
        // method promoted to the optimised tier, a lock's first contention) shows in one round at most, so the
        // claim is that some round of 20 steps allocates nothing at all.
        var rounds = new List<long>();
        for (int round = 0; round < 4 && !rounds.Contains(0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread() + BlockScheduler.WorkerAllocatedBytes();
            for (int step = 0; step < 20; step++)
            {
                if (step % 2 == 0)
                {
                    tower.Step(w, g);
                }
                else
                {
                    g.CopyTo(tower.NextGradients);
                    tower.StepWithNextGradients(w);
                }
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() + BlockScheduler.WorkerAllocatedBytes() - before);
        }

        Assert.True(rounds.Contains(0), $"bytes allocated by each round of 20 steps: {string.Join(", ", rounds)}");
        Assert.Equal(poison ? 1 + (20 * rounds.Count) : 0, tower.SkippedStepCount);
    }

    [Fact]
    public void Mismatched_buffers_are_rejected_with_their_sizes()
    {
        var tower = new Tower<float>(TowerSpec.Parse("sgd"), 4);

        var error = Assert.Throws<ArgumentException>(() => tower.Step(new float[4], new float[3]));
        Assert.Contains("4 weights; got 4 weights and 3 gradients", error.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => new Tower<Half>(TowerSpec.Parse("sgd"), 4));
    }

    [Fact]
    public void Levels_report_hyperparameters_in_the_users_domain()
    {
        var tower = new Tower<double>(TowerSpec.Parse("rmsprop(alpha=0.04, gamma=0.9)/adam"), 2);

        Assert.Equal(0.04, tower.Levels[0]["alpha"], 15);
        Assert.Equal(0.2, tower.Levels[0].GetRawValue(0), 15);
        Assert.Equal(0.9, tower.Levels[0]["GAMMA"], 15);
        Assert.Equal(1e-3, tower.Levels[1]["alpha"], 15);
        Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => tower.Levels[0]["beta1"]);
    }

    [Fact]
    public void Generated_default_tower_follows_depth_and_above()
    {
        TowerSpec spec = Adam.Definition.CreateDefaultSpec();
        Assert.Equal(1, spec.Depth);

        Tower<float> tower = Sgd.CreateTower<float>(10);
        Assert.Equal(1, tower.Depth);
        Assert.Equal(10, tower.ParameterCount);
    }
}
