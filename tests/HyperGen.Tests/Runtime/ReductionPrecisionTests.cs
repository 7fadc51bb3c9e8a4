using System;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>
/// Level 1's hypergradient, summed in float within vector lanes and in double across lanes and blocks, stays within
/// 1e-5 (relative) of a double-precision sum over 2^24 weights, on both the recomputing and the storing path.
/// </summary>
public sealed class ReductionPrecisionTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_float_hypergradient_of_two_to_the_24_weights_matches_a_double_sum(bool recompute)
    {
        const int n = 1 << 24;
        var random = new Random(20221128);
        float[] first = new float[n];
        float[] second = new float[n];
        for (int i = 0; i < n; i++)
        {
            first[i] = (float)random.NextDouble();
            second[i] = (float)(random.NextDouble() - 0.25);
        }

        // SGD without momentum: dw_i/dalpha of the first step is exactly -first[i], so G1 = -sum second[i] * first[i]
        // carries no error but the summation's. Level 2's zero step size keeps alpha still.
        var tower = new Tower<float>(TowerSpec.Parse("sgd(alpha=1e-3)/sgd(alpha=0)"), [n], recompute);
        Assert.Equal(recompute, tower.GetLevelState(0).RecomputesPartials);
        float[] w = new float[n];
        tower.Step(w, first);
        tower.Step(w, second);

        double expected = 0;
        for (int i = 0; i < n; i++)
        {
            expected -= (double)second[i] * first[i];
        }

        double actual = tower.GetLevelState(0).Hypergradient[0];
        Assert.True(
            Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected),
            $"float reduction {actual:R}, double sum {expected:R}, relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2}");
    }
}
