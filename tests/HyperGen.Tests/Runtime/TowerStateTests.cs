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
    public void A_resumed_multi_tensor_tower_continues_exactly_as_the_original(string spec)
    {
        int[] sizes = [7, 40_003, 9];
        var original = new Tower<float>(TowerSpec.Parse(spec), sizes);
        float[][] w = sizes.Select(size => Enumerable.Range(0, size).Select(i => MathF.Sin(i * 0.01f)).ToArray()).ToArray();
        float[][] resumedWeights = [];
        Tower<float>? resumed = null;
        for (int step = 0; step < 7; step++)
        {
            if (step == 4)
            {
                resumed = new Tower<float>(TowerSpec.Parse(spec), sizes);
                TowerStateBytes.Load(resumed, TowerStateBytes.Of(original));
                resumedWeights = w.Select(tensor => (float[])tensor.Clone()).ToArray();
            }

            original.Step(Weights(w), Gradients(w, step));
            resumed?.Step(Weights(resumedWeights), Gradients(resumedWeights, step));
        }

        Assert.Equal(w, resumedWeights);
        Assert.Equal(TowerStateBytes.Of(original), TowerStateBytes.Of(resumed!));

        static Memory<float>[] Weights(float[][] tensors) => tensors.Select(t => (Memory<float>)t).ToArray();
        static ReadOnlyMemory<float>[] Gradients(float[][] tensors, int step) =>
            tensors.Select(t => (ReadOnlyMemory<float>)TowerStateTests.Gradients(t, step)).ToArray();
    }

    [Fact]
    public void The_saved_state_holds_the_parameters_without_the_padding_between_tensors()
    {
        // Two tensors of 7 and 9 weights sit 16 + 9 elements apart in memory; the file holds 16 per buffer, as for one
        // tensor of 16, and differs from that one's only by the second tensor size in the header (4 bytes).
        var split = new Tower<float>(TowerSpec.Parse("adam/sgd"), [7, 9]);
        var whole = new Tower<float>(TowerSpec.Parse("adam/sgd"), [16]);
        Assert.Equal(TowerStateBytes.Of(whole).Length + sizeof(int), TowerStateBytes.Of(split).Length);
    }

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
