using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Runtime;

public sealed class HyperBoundsTests
{
    [Fact]
    public void Spec_bounds_parse_print_and_round_trip()
    {
        TowerSpec spec = TowerSpec.Parse("adam(alpha=1e-3, alpha in [0, 0.1], beta1 in [0.5, inf])/sgd(alpha in [-inf, 1e-3], alpha=1e-5)");

        Assert.Equal(new HyperBound(0, 0.1), spec.Levels[0].Bounds[0]);
        Assert.Equal(0.5, spec.Levels[0].Bounds[1].Min);
        Assert.False(spec.Levels[0].Bounds[1].HasMax);
        Assert.True(spec.Levels[0].Bounds[2].IsNone);
        Assert.Equal(1e-3, spec.Levels[1].Bounds[0].Max);
        Assert.False(spec.Levels[1].Bounds[0].HasMin);
        Assert.Equal(1e-5, spec.Levels[1].InitialValues[0]);

        string text = spec.ToString();
        Assert.Contains("alpha in [0, 0.1]", text, StringComparison.Ordinal);
        Assert.Contains("beta1 in [0.5, inf]", text, StringComparison.Ordinal);
        Assert.Equal(text, TowerSpec.Parse(text).ToString());
    }

    [Theory]
    [InlineData("sgd(alpha in [0.1, 0.01])", 15, "the lower bound 0.1 is above the upper bound 0.01")]
    [InlineData("sgd(alpha=0.5, alpha in [0, 0.1])", 16, "the initial value 0.5 is outside the bounds [0, 0.1]")]
    [InlineData("sgd(alpha in [0, 0.001])", 5, "the initial value 0.01 is outside the bounds [0, 0.001]")]
    [InlineData("sgd(alpha in [0, 1], alpha in [0, 2])", 22, "the bounds of 'alpha' are given twice")]
    [InlineData("sgd(alpha in [0 1])", 17, "expected ','")]
    [InlineData("sgd(alpha in [0, 1)", 19, "expected ']'")]
    [InlineData("sgd(alpha in 0, 1)", 14, "expected '['")]
    [InlineData("sgd(alpha in [0, big])", 18, "'big' is not a finite number")]
    [InlineData("sgd(rate in [0, 1])", 5, "Sgd has no hyperparameter 'rate'")]
    public void Malformed_bounds_name_the_problem_and_its_column(string text, int column, string problem)
    {
        var error = Assert.Throws<TowerSpecException>(() => TowerSpec.Parse(text));

        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.Equal(column, error.Position + 1);
    }

    [Fact]
    public void Level_spec_rejects_bounds_that_exclude_the_initial_value()
    {
        var bounds = new Dictionary<string, HyperBound> { ["alpha"] = new(0, 0.001) };

        var error = Assert.Throws<ArgumentException>(() => new LevelSpec(Sgd.Definition, bounds: bounds));
        Assert.Contains("Sgd.alpha: the initial value 0.01 is outside the bounds [0, 0.001]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upper_bound_clamps_the_learned_value_and_counts_each_hit()
    {
        // A linear loss has gradient 1 everywhere, so G1 = 1 * dw/dalpha = -1 from step 2 on and alpha grows by 0.01
        // a step: 0.1, 0.11, 0.12, then 0.13, 0.135, 0.135 would exceed the bound and are clamped to 0.125.
        var tower = new Tower<double>(TowerSpec.Parse("sgd(alpha=0.1, alpha in [0, 0.125])/sgd(alpha=0.01)"), 1);
        double[] w = [1.0];
        var seen = new List<double>();
        for (int step = 0; step < 6; step++)
        {
            tower.Step(w, [1.0]);
            seen.Add(tower.Levels[0]["alpha"]);
        }

        Assert.Equal(0.1, seen[0]);
        Assert.Equal(0.11, seen[1], 14);
        Assert.Equal(0.12, seen[2], 14);
        Assert.Equal([0.125, 0.125, 0.125], seen.Skip(3));
        Assert.Equal(3, tower.Levels[0].GetBoundHits(0));
        Assert.Equal(3, tower.Levels[0].BoundHitCount);
        Assert.Equal(0, tower.Levels[1].BoundHitCount);
        Assert.Equal(new HyperBound(0, 0.125), tower.Levels[0].GetBound(0));
        Assert.Equal(1 - (0.1 + 0.11 + 0.12 + (3 * 0.125)), w[0], 12);
    }

    [Theory]
    [InlineData("rmsprop(alpha=0.01, gamma=0.99, alpha in [0.009, 0.011], gamma in [0.985, 0.995])/sgd(alpha=0.5)")]
    [InlineData("adam(alpha=0.01, beta1=0.9, alpha in [0.005, 0.015], beta1 in [0.89, 0.91], beta2 in [0.998, 0.9995])/sgd(alpha=0.5)")]
    [InlineData("sgd(alpha=0.05, mu=0.5, alpha in [0.04, 0.06], mu in [0.45, 0.55])/adam(alpha=0.1)")]
    public void Bounds_hold_in_every_domain_while_a_fast_upper_level_pushes(string text)
    {
        // The upper level's step size is far too large, so the hyperparameters would leave the bounds at once.
        TowerSpec spec = TowerSpec.Parse(text);
        var tower = new Tower<double>(spec, 64);
        double[] w = Enumerable.Range(0, 64).Select(i => Math.Sin(i)).ToArray();
        for (int step = 0; step < 40; step++)
        {
            double[] g = w.Select((x, i) => (3 * x) - Math.Cos(i + step)).ToArray();
            tower.Step(w, g);
            for (int j = 0; j < spec.Levels[0].Bounds.Count; j++)
            {
                HyperBound bound = spec.Levels[0].Bounds[j];
                double value = tower.Levels[0].GetValue(j);
                Assert.True(!bound.HasMin || value >= bound.Min * (1 - 1e-12), $"step {step}: {value} < {bound.Min}");
                Assert.True(!bound.HasMax || value <= bound.Max * (1 + 1e-12), $"step {step}: {value} > {bound.Max}");
            }
        }

        Assert.True(tower.Levels[0].BoundHitCount > 0);
    }

    [Fact]
    public void Bounds_that_are_never_hit_leave_the_trajectory_bit_identical()
    {
        var free = new Tower<float>(TowerSpec.Parse("adam(alpha=0.01)/sgd(alpha=1e-5)/sgd(alpha=1e-6)"), 100);
        var bounded = new Tower<float>(TowerSpec.Parse("adam(alpha=0.01, alpha in [0, 10], beta1 in [0.01, 0.99999])/sgd(alpha=1e-5, alpha in [-1, 1])/sgd(alpha=1e-6)"), 100);
        float[] a = Enumerable.Range(0, 100).Select(i => MathF.Cos(i)).ToArray();
        float[] b = (float[])a.Clone();
        for (int step = 0; step < 30; step++)
        {
            free.Step(a, a.Select((x, i) => (0.5f * x) - MathF.Cos(i + step)).ToArray());
            bounded.Step(b, b.Select((x, i) => (0.5f * x) - MathF.Cos(i + step)).ToArray());
        }

        // The run must have learned something, or the comparison would say nothing about the upper levels.
        Assert.NotEqual(0.01, free.Levels[0]["alpha"]);
        Assert.All(free.Levels[0].GetValues(), pair => Assert.True(double.IsFinite(pair.Value)));

        Assert.Equal(a, b);
        Assert.Equal(free.Levels[0].GetValues(), bounded.Levels[0].GetValues());
        Assert.All(bounded.Levels, level => Assert.Equal(0, level.BoundHitCount));
    }
}
