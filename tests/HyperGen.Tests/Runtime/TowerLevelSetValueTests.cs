using System;
using System.Linq;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary><see cref="TowerLevel.SetValue"/>: a schedule for the top level's hyperparameters, which no level learns.</summary>
public sealed class TowerLevelSetValueTests
{
    [Fact]
    public void A_value_set_between_steps_is_the_one_the_next_step_uses()
    {
        float[] weights = Enumerable.Range(0, 21).Select(i => MathF.Cos(i)).ToArray();
        float[] expected = (float[])weights.Clone();
        var momentum = new float[weights.Length];
        var tower = new Tower<float>(TowerSpec.Parse("sgd(alpha=0.1)"), weights.Length);

        float[] rates = [0.1f, 0.05f, 0.025f];
        for (int step = 0; step < rates.Length; step++)
        {
            tower.Levels[0].SetValue(0, rates[step]);
            float[] gradients = weights.Select((w, i) => w - MathF.Sin(i + step)).ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Sgd.Step(ref expected[i], expected[i] - MathF.Sin(i + step), ref momentum[i], rates[step], 0f);
            }

            tower.Step(weights, gradients);
            Assert.Equal(rates[step], tower.Levels[0].GetValue(0));
        }

        Assert.Equal(expected, weights);
    }

    [Fact]
    public void A_reparameterised_value_reads_back_as_set()
    {
        var tower = new Tower<double>(TowerSpec.Parse("rmsprop(alpha=0.01, gamma=0.99)"), 4);

        tower.Levels[0].SetValue(0, 0.0025); // alpha, learned as its square root
        tower.Levels[0].SetValue(1, 0.9); // gamma, in (0, 1)

        Assert.Equal(0.0025, tower.Levels[0]["alpha"], 15);
        Assert.Equal(0.9, tower.Levels[0]["gamma"], 15);
    }

    [Fact]
    public void A_learned_level_a_value_outside_the_domain_or_the_bounds_is_refused()
    {
        var tower = new Tower<float>(TowerSpec.Parse("adam(alpha=1e-3)/sgd(alpha=1e-5, alpha in [0, 1e-4])"), 8);

        var learned = Assert.Throws<InvalidOperationException>(() => tower.Levels[0].SetValue(0, 2e-3));
        Assert.Contains("Level 1 is learned by the level above", learned.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.Levels[1].SetValue(0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.Levels[1].SetValue(0, 1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.Levels[1].SetValue(2, 0.1));

        tower.Levels[1].SetValue(0, 5e-5);
        Assert.Equal(5e-5f, (float)tower.Levels[1].GetValue(0));
        Assert.Equal(1e-3f, (float)tower.Levels[0].GetValue(0));
    }
}
