using System;
using System.Linq;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>
/// A step that meets a NaN or an infinity anywhere it reads changes nothing, byte for byte, and says where the value
/// was. Each place is poisoned on a tower whose level 1 recomputes its partials (Adam) and on one that stores them
/// (AdaGrad), over enough weights for several parallel blocks.
/// </summary>
public sealed class NonFiniteStepTests
{
    private const int Count = 40_000;
    private const string Recomputing = "adam(alpha=1e-3)/sgd(alpha=1e-9)/sgd(alpha=1e-20)";
    private const string Storing = "adagrad(alpha=1e-2)/sgd(alpha=1e-9)/sgd(alpha=1e-20)";

    public static TheoryData<string, float> Towers() => new()
    {
        { Recomputing, float.NaN },
        { Recomputing, float.PositiveInfinity },
        { Storing, float.NaN },
        { Storing, float.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Towers))]
    public void A_bad_gradient_after_the_first_step_is_reported_at_its_index(string spec, float bad)
    {
        (Tower<float> tower, float[] w) = Warm(spec, steps: 3);
        float[] g = Gradients(w, 3);
        g[23_456] = bad;
        g[30_000] = bad;

        NonFiniteStepException error = AssertRefused(tower, w, g);

        Assert.Equal(NonFiniteQuantity.Gradient, error.Quantity);
        Assert.Equal(1, error.Level);
        Assert.Equal(23_456, error.ParameterIndex);
        Assert.Null(error.HyperParameter);
        Assert.Contains("Gradient 23456", error.Message);
    }

    [Theory]
    [InlineData(Recomputing, 0)]
    [InlineData(Storing, 0)]
    [InlineData("adam(alpha=1e-3)", 0)]
    [InlineData("adam(alpha=1e-3)", 2)]
    public void A_bad_gradient_at_the_first_step_or_at_depth_one_is_found_by_a_scan(string spec, int warmSteps)
    {
        (Tower<float> tower, float[] w) = Warm(spec, warmSteps);
        float[] g = Gradients(w, warmSteps);
        g[Count - 1] = float.NaN;

        NonFiniteStepException error = AssertRefused(tower, w, g);

        Assert.Equal(NonFiniteQuantity.Gradient, error.Quantity);
        Assert.Equal(Count - 1, error.ParameterIndex);
    }

    [Theory]
    [InlineData(Recomputing)]
    [InlineData(Storing)]
    public void A_bad_loss_is_reported(string spec)
    {
        (Tower<float> tower, float[] w) = Warm(spec, steps: 2);

        NonFiniteStepException error = AssertRefused(tower, w, Gradients(w, 2), float.PositiveInfinity);

        Assert.Equal(NonFiniteQuantity.Loss, error.Quantity);
        Assert.Equal(1, error.Level);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Bad_level_one_state_that_the_recomputation_reads_is_reported_as_its_hypergradient(int stateVariable)
    {
        (Tower<float> tower, float[] w) = Warm(Recomputing, steps: 3);
        LevelState<float> bottom = tower.GetLevelState(0);
        Assert.True(bottom.RecomputesPartials);
        bottom.PreviousState[(stateVariable * Count) + 777] = float.NaN;

        NonFiniteStepException error = AssertRefused(tower, w, Gradients(w, 3));

        // Every partial of Adam reads m and v, so the first hyperparameter is the one named.
        Assert.Equal(NonFiniteQuantity.Hypergradient, error.Quantity);
        Assert.Equal(1, error.Level);
        Assert.Equal("alpha", error.HyperParameter);
        Assert.Null(error.ParameterIndex);
    }

    [Fact]
    public void A_bad_stored_level_one_partial_is_reported_as_its_hypergradient()
    {
        (Tower<float> tower, float[] w) = Warm("sgd(alpha=0.01, mu=0.5)/sgd(alpha=1e-9)", steps: 3, allowRecompute: false);
        LevelState<float> bottom = tower.GetLevelState(0);
        Assert.False(bottom.RecomputesPartials);
        bottom.Partials[(1 * Count) + 5] = float.PositiveInfinity;

        NonFiniteStepException error = AssertRefused(tower, w, Gradients(w, 3));

        Assert.Equal(NonFiniteQuantity.Hypergradient, error.Quantity);
        Assert.Equal(1, error.Level);
        Assert.Equal("mu", error.HyperParameter);
    }

    [Theory]
    [InlineData(0, 1, "beta1")]
    [InlineData(1, 0, "alpha")]
    [InlineData(2, 0, "alpha")]
    public void A_bad_hyperparameter_is_reported_with_its_level_and_name(int level, int index, string name)
    {
        (Tower<float> tower, float[] w) = Warm(Recomputing, steps: 2);
        tower.GetLevelState(level).Raw[index] = float.NaN;

        NonFiniteStepException error = AssertRefused(tower, w, Gradients(w, 2));

        Assert.Equal(NonFiniteQuantity.HyperParameter, error.Quantity);
        Assert.Equal(level + 1, error.Level);
        Assert.Equal(name, error.HyperParameter);
    }

    [Fact]
    public void A_bad_upper_partial_is_reported_as_that_levels_hypergradient()
    {
        (Tower<float> tower, float[] w) = Warm(Recomputing, steps: 2);

        // Level 2 (SGD over Adam's three hyperparameters) stores d(new h1)/d(its raw alpha) at [0 * 3 + i].
        tower.GetLevelState(1).Partials[2] = float.NaN;

        NonFiniteStepException error = AssertRefused(tower, w, Gradients(w, 2));

        Assert.Equal(NonFiniteQuantity.Hypergradient, error.Quantity);
        Assert.Equal(2, error.Level);
        Assert.Equal("alpha", error.HyperParameter);
    }

    [Fact]
    public void An_update_that_overflows_a_hyperparameter_is_undone_and_reported()
    {
        // Level 2's huge step turns level 1's finite hypergradient into an infinite step size.
        var tower = new Tower<float>(TowerSpec.Parse("sgd(alpha=0.1)/sgd(alpha=1e38)"), Count);
        float[] w = Enumerable.Range(0, Count).Select(i => 100f + (i % 7)).ToArray();
        tower.Step(w, w);

        NonFiniteStepException error = AssertRefused(tower, w, w);

        Assert.Equal(NonFiniteQuantity.UpdatedHyperParameter, error.Quantity);
        Assert.Equal(1, error.Level);
        Assert.Equal("alpha", error.HyperParameter);
        Assert.Equal(1, tower.Levels[1].StepCount);
    }

    [Theory]
    [InlineData(Recomputing)]
    [InlineData(Storing)]
    public void Skipping_a_bad_step_counts_it_and_the_run_continues_as_if_it_never_happened(string spec)
    {
        (Tower<float> skipping, float[] w1) = Warm(spec, steps: 2);
        (Tower<float> clean, float[] w2) = Warm(spec, steps: 2);
        skipping.NonFinitePolicy = NonFinitePolicy.SkipStep;
        float[] bad = Gradients(w1, 2);
        bad[17] = float.NaN;

        skipping.Step(w1, bad);
        Assert.Equal(1, skipping.SkippedStepCount);
        Assert.Equal(2, skipping.StepCount);
        for (int step = 2; step < 5; step++)
        {
            skipping.Step(w1, Gradients(w1, step));
            clean.Step(w2, Gradients(w2, step));
        }

        Assert.Equal(w2, w1);
        Assert.Equal(0, clean.SkippedStepCount);
        byte[] cleanState = TowerStateBytes.Of(clean);
        byte[] skippingState = TowerStateBytes.Of(skipping);

        // The states differ only in the skipped-step counter, the last eight bytes.
        Assert.Equal(cleanState[..^8], skippingState[..^8]);
    }

    [Fact]
    public void A_bad_gradient_in_a_later_tensor_is_reported_at_its_flat_index_and_changes_no_tensor()
    {
        var tower = new Tower<float>(TowerSpec.Parse(Recomputing), [30_000, 20_000]);
        float[] a = Enumerable.Range(0, 30_000).Select(i => MathF.Sin(i * 0.01f)).ToArray();
        float[] b = Enumerable.Range(0, 20_000).Select(i => MathF.Cos(i * 0.01f)).ToArray();
        for (int step = 0; step < 2; step++)
        {
            tower.Step([a.AsMemory(), b.AsMemory()], [Gradients(a, step).AsMemory(), Gradients(b, step).AsMemory()]);
        }

        float[] ga = Gradients(a, 2);
        float[] gb = Gradients(b, 2);
        gb[1234] = float.NaN;
        float[] aBefore = (float[])a.Clone();
        float[] bBefore = (float[])b.Clone();
        byte[] stateBefore = TowerStateBytes.Of(tower);

        var error = Assert.Throws<NonFiniteStepException>(
            () => tower.Step([a.AsMemory(), b.AsMemory()], [ga.AsMemory(), gb.AsMemory()]));

        Assert.Equal(30_000 + 1234, error.ParameterIndex);
        Assert.Contains("tensor 1, element 1234", error.Message);
        Assert.Equal(aBefore, a);
        Assert.Equal(bBefore, b);
        Assert.Equal(stateBefore, TowerStateBytes.Of(tower));
    }

    [Theory]
    [InlineData("adam(alpha=1e-3)", 0)]
    [InlineData(Recomputing, 0)]
    [InlineData(Recomputing, 2)]
    public void Unchecked_steps_let_a_bad_gradient_through(string spec, int warmSteps)
    {
        (Tower<float> tower, float[] w) = Warm(spec, warmSteps);
        tower.NonFinitePolicy = NonFinitePolicy.Unchecked;
        float[] g = Gradients(w, warmSteps);
        g[99] = float.NaN;

        tower.Step(w, g, float.NaN);

        Assert.True(float.IsNaN(w[99]));
        Assert.Equal(warmSteps + 1, tower.StepCount);
        Assert.Equal(0, tower.SkippedStepCount);
    }

    private static (Tower<float> Tower, float[] Weights) Warm(string spec, int steps, bool allowRecompute = true)
    {
        var tower = new Tower<float>(TowerSpec.Parse(spec), [Count], allowRecompute);
        float[] w = Enumerable.Range(0, Count).Select(i => MathF.Sin(i * 0.01f)).ToArray();
        for (int step = 0; step < steps; step++)
        {
            tower.Step(w, Gradients(w, step));
        }

        return (tower, w);
    }

    private static float[] Gradients(float[] w, int step) =>
        w.Select((x, i) => x - MathF.Cos(i + step)).ToArray();

    /// <summary>Steps once, expecting the step to throw and to leave the weights and the whole tower state as they were.</summary>
    private static NonFiniteStepException AssertRefused(Tower<float> tower, float[] w, float[] g, float? loss = null)
    {
        float[] weightsBefore = (float[])w.Clone();
        byte[] stateBefore = TowerStateBytes.Of(tower);

        NonFiniteStepException error = loss is { } value
            ? Assert.Throws<NonFiniteStepException>(() => tower.Step(w, g, value))
            : Assert.Throws<NonFiniteStepException>(() => tower.Step(w, g));

        Assert.Equal(weightsBefore, w);
        Assert.Equal(stateBefore, TowerStateBytes.Of(tower));
        Assert.Contains("changed nothing", error.Message);
        return error;
    }
}
