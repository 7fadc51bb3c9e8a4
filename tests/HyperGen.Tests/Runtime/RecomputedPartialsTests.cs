using System;
using System.Linq;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>
/// Level 1's hypergradient from partials recomputed out of the previous step's inputs equals the one from stored
/// partials, and the generator picks the path that moves fewer bytes.
/// </summary>
public sealed class RecomputedPartialsTests
{
    [Theory]
    [InlineData("adam(alpha=1e-2)/adam(alpha=1e-5)/sgd(alpha=1e-7)")]
    [InlineData("sgd(alpha=0.05, mu=0.8)/sgd(alpha=1e-6)")]
    [InlineData("rmsprop(alpha=1e-2)/adam(alpha=1e-4)")]
    public void Recomputing_and_storing_the_partials_train_the_same_way(string spec)
    {
        const int n = 40_001;
        var recomputing = new Tower<double>(TowerSpec.Parse(spec), [n], allowRecomputedPartials: true);
        var storing = new Tower<double>(TowerSpec.Parse(spec), [n], allowRecomputedPartials: false);
        Assert.True(recomputing.GetLevelState(0).RecomputesPartials);
        Assert.False(storing.GetLevelState(0).RecomputesPartials);
        double[] w1 = Enumerable.Range(0, n).Select(i => Math.Sin(i * 0.003)).ToArray();
        double[] w2 = (double[])w1.Clone();

        for (int step = 0; step < 8; step++)
        {
            recomputing.Step(w1, w1.Select((x, i) => x - Math.Cos(i + step)).ToArray());
            storing.Step(w2, w2.Select((x, i) => x - Math.Cos(i + step)).ToArray());
        }

        // The same products, summed in another order: equal to rounding.
        for (int level = 0; level < recomputing.Depth; level++)
        {
            for (int j = 0; j < recomputing.Levels[level].Definition.HyperParameters.Count; j++)
            {
                double expected = storing.Levels[level].GetRawValue(j);
                Assert.Equal(expected, recomputing.Levels[level].GetRawValue(j), 1e-12 * Math.Max(1, Math.Abs(expected)));
            }
        }

        Assert.NotEqual(storing.Spec.Levels[0].InitialValues[0], storing.Levels[0].GetValue(0));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(w2[i], w1[i], 1e-12);
        }
    }

    [Theory]
    [InlineData("adam(alpha=1e-2)/adam(alpha=1e-5)/sgd(alpha=1e-7)")]
    [InlineData("adagrad(alpha=1e-2)/sgd(alpha=1e-6)")]
    public void Stepping_with_the_towers_gradient_buffers_equals_stepping_with_a_copy(string spec)
    {
        const int n = 40_001;
        var copying = new Tower<float>(TowerSpec.Parse(spec), n);
        var buffered = new Tower<float>(TowerSpec.Parse(spec), n);
        float[] w1 = Enumerable.Range(0, n).Select(i => MathF.Sin(i * 0.003f)).ToArray();
        float[] w2 = (float[])w1.Clone();

        for (int step = 0; step < 7; step++)
        {
            float[] g = w1.Select((x, i) => x - MathF.Cos(i + step)).ToArray();
            copying.Step(w1, g);

            // Mixes both ways of passing gradients, as a caller may.
            if (step == 3)
            {
                buffered.Step(w2, g);
            }
            else
            {
                g.CopyTo(buffered.NextGradients);
                buffered.StepWithNextGradients(w2);
            }
        }

        Assert.Equal(w1, w2);
        Assert.Equal(TowerStateBytes.Of(copying), TowerStateBytes.Of(buffered));
    }

    [Fact]
    public void The_generator_recomputes_where_that_moves_fewer_values_per_weight()
    {
        // Adam: storing moves 4 + 10 values per weight, recomputing 4 + 8. AdamAlpha (one partial, two states) and
        // AdaGrad (one partial, one state) move fewer by storing.
        Assert.IsAssignableFrom<IRecomputingStepKernel<float>>(Adam.Definition.GetKernel<float>());
        Assert.IsAssignableFrom<IRecomputingStepKernel<double>>(Adam.Definition.GetKernel<double>());
        Assert.IsAssignableFrom<IRecomputingStepKernel<float>>(RmsProp.Definition.GetKernel<float>());
        Assert.IsNotAssignableFrom<IRecomputingStepKernel<float>>(AdamAlpha.Definition.GetKernel<float>());
        Assert.IsNotAssignableFrom<IRecomputingStepKernel<float>>(AdaGrad.Definition.GetKernel<float>());
    }

    [Fact]
    public void A_step_that_keeps_its_inputs_leaves_the_old_state_and_copies_the_gradients()
    {
        const int n = 37;
        IStepKernel<float> kernel = Adam.Definition.GetKernel<float>();
        float[] w = Enumerable.Range(0, n).Select(i => MathF.Sin(i)).ToArray();
        float[] g = Enumerable.Range(0, n).Select(i => MathF.Cos(i)).ToArray();
        float[] state = Enumerable.Range(0, 2 * n).Select(i => 0.5f + (i * 0.01f)).ToArray();
        float[] oldState = (float[])state.Clone();
        float[] next = new float[2 * n];
        float[] copy = new float[n];
        float[] raw = [1e-3f, 1.4722194f, 3.8002012f];

        float[] expectedW = (float[])w.Clone();
        float[] expectedState = (float[])state.Clone();
        var inPlace = new LevelChunk<float>(ref expectedW[0], in g[0], ref expectedState[0], n, n);
        kernel.Step(in inPlace, raw, 3);

        var keeping = new LevelChunk<float>(ref w[0], in g[0], ref state[0], ref next[0], n, ref copy[0], n);
        Assert.True(keeping.KeepsInputs);
        kernel.Step(in keeping, raw, 3);

        Assert.Equal(expectedW, w);
        Assert.Equal(expectedState, next);
        Assert.Equal(oldState, state);
        Assert.Equal(g, copy);

        // Without a copy buffer the gradients stay where they are, and the step is otherwise the same.
        float[] w2 = Enumerable.Range(0, n).Select(i => MathF.Sin(i)).ToArray();
        float[] next2 = new float[2 * n];
        var keepingState = new LevelChunk<float>(ref w2[0], in g[0], ref state[0], ref next2[0], n, n);
        Assert.True(keepingState.KeepsInputs);
        Assert.False(keepingState.CopiesGradients);
        kernel.Step(in keepingState, raw, 3);
        Assert.Equal(expectedW, w2);
        Assert.Equal(expectedState, next2);
    }
}
