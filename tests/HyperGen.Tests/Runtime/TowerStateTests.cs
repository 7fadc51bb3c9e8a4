using System;
using System.IO;
using System.Linq;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>A tower's saved state resumes its trajectory bit for bit, and a state of another shape is refused.</summary>
public sealed class TowerStateTests
{
    [Theory]
    [InlineData("adam(alpha=1e-2)/adam(alpha=1e-5)/sgd(alpha=1e-7)")]
    [InlineData("adagrad(alpha=1e-2)/sgd(alpha=1e-6)")]
    [InlineData("rmsprop(alpha=1e-2)")]
    public void A_resumed_tower_continues_exactly_as_the_original(string spec)
    {
        const int n = 40_003;
        var original = new Tower<float>(TowerSpec.Parse(spec), n);
        float[] w = Enumerable.Range(0, n).Select(i => MathF.Sin(i * 0.01f)).ToArray();
        for (int step = 0; step < 4; step++)
        {
            original.Step(w, Gradients(w, step));
        }

        byte[] saved = TowerStateBytes.Of(original);
        var resumed = new Tower<float>(TowerSpec.Parse(spec), n);
        TowerStateBytes.Load(resumed, saved);
        float[] resumedWeights = (float[])w.Clone();
        Assert.Equal(saved, TowerStateBytes.Of(resumed));

        for (int step = 4; step < 7; step++)
        {
            original.Step(w, Gradients(w, step));
            resumed.Step(resumedWeights, Gradients(resumedWeights, step));
        }

        Assert.Equal(w, resumedWeights);
        Assert.Equal(TowerStateBytes.Of(original), TowerStateBytes.Of(resumed));
        Assert.Equal(7, resumed.StepCount);
    }

    [Theory]
    [InlineData("adam(alpha=1e-2)/sgd(alpha=1e-7)", 1000, "the size of tensor 0")]
    [InlineData("adam(alpha=1e-2)", 999, "the number of levels")]
    [InlineData("adagrad(alpha=1e-2)/sgd(alpha=1e-7)", 999, "this tower has AdaGrad")]
    public void A_state_of_another_shape_is_refused_and_changes_nothing(string otherSpec, int otherCount, string named)
    {
        var source = new Tower<float>(TowerSpec.Parse("adam(alpha=1e-2)/sgd(alpha=1e-7)"), 999);
        float[] w = new float[999];
        source.Step(w, Gradients(w, 0));
        var other = new Tower<float>(TowerSpec.Parse(otherSpec), otherCount);
        byte[] before = TowerStateBytes.Of(other);

        var error = Assert.Throws<InvalidDataException>(() => TowerStateBytes.Load(other, TowerStateBytes.Of(source)));

        Assert.Contains(named, error.Message);
        Assert.Equal(before, TowerStateBytes.Of(other));
    }

    [Fact]
    public void A_double_state_is_refused_by_a_float_tower()
    {
        var source = new Tower<double>(TowerSpec.Parse("adam"), 10);
        var target = new Tower<float>(TowerSpec.Parse("adam"), 10);

        var error = Assert.Throws<InvalidDataException>(() => TowerStateBytes.Load(target, TowerStateBytes.Of(source)));

        Assert.Contains("Single", error.Message);
    }

    private static float[] Gradients(float[] w, int step) =>
        w.Select((x, i) => x - MathF.Cos(i + step)).ToArray();
}
