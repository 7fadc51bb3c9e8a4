using System;
using System.Linq;
using HyperGen.Mpi.TestHost;
using Xunit;

namespace HyperGen.Mpi.Tests;

/// <summary>Sharded towers against the one-process tower, with ranks as threads (the MPI tests run the same comparison under mpirun).</summary>
public sealed class ShardedTowerTests
{
    /// <summary>Depths 1 to 3; Adam recomputes level 1's partials, SGD stores them, so both hypergradient paths are covered.</summary>
    public static TheoryData<string> Specs => new()
    {
        "adam(alpha=0.01)",
        "sgd(alpha=0.01, mu=0.9)/sgd(alpha=1e-8)",
        "adam(alpha=0.01)/sgd(alpha=1e-9)",
        "adam(alpha=0.01)/sgd(alpha=1e-9)/sgd(alpha=1e-20)",
        "adam(alpha=0.01)/adam(alpha=1e-4)/sgd(alpha=1e-10)",
    };

    private static readonly int[] Tensors = [40000, 7, 0, 30000, 16384];

    [Theory]
    [MemberData(nameof(Specs))]
    public void Block_aligned_shards_follow_the_one_process_tower_bit_for_bit(string spec)
    {
        foreach (int ranks in new[] { 1, 2, 3, 4 })
        {
            TowerSharding sharding = TowerSharding.Balanced(Tensors, ranks);
            Assert.True(sharding.IsBlockAligned);
            Assert.All(ThreadRanks.Run(ranks, communicator => Compare<float>(spec, sharding, communicator)), Assert.True);
            Assert.All(ThreadRanks.Run(ranks, communicator => Compare<double>(spec, sharding, communicator)), Assert.True);
        }
    }

    /// <summary>Steps both towers and tells whether the sharded one is still bit for bit the one-process one.</summary>
    private static bool Compare<T>(string spec, TowerSharding sharding, ITowerCommunicator communicator)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var comparison = new TowerComparison<T>(TowerSpec.Parse(spec), sharding, communicator);
        for (int step = 0; step < 12; step++)
        {
            comparison.Step(step);
        }

        return comparison.Identical();
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Shards_that_split_blocks_agree_to_rounding(string spec)
    {
        TowerSharding sharding = TowerSharding.FromBoundaries(Tensors, [0, 1000, 40003, 60001, Tensors.Sum()]);
        Assert.False(sharding.IsBlockAligned);
        double[] differences = ThreadRanks.Run(sharding.RankCount, communicator =>
        {
            var comparison = new TowerComparison<double>(TowerSpec.Parse(spec), sharding, communicator);
            for (int step = 0; step < 12; step++)
            {
                comparison.Step(step);
            }

            return comparison.MaxRelativeDifference();
        });

        // The one reassociated sum is level 1's hypergradient, in double: 1e-9 of a value after 12 steps, in double.
        Assert.All(differences, d => Assert.InRange(d, 0, 1e-9));

        // And every rank holds the same result.
        Assert.All(differences, d => Assert.Equal(differences[0], d));
    }

    [Fact]
    public void A_non_finite_gradient_in_one_rank_s_shard_is_refused_on_every_rank_with_the_model_s_index()
    {
        const int n = 50000;
        string[] messages = ThreadRanks.Run(2, communicator =>
        {
            var tower = new Tower<float>(TowerSpec.Parse("adam(alpha=0.01)/sgd(alpha=1e-9)"), [n], communicator);
            var weights = new float[n];
            var gradients = new float[n];
            gradients.AsSpan().Fill(0.5f);
            tower.Step(weights, gradients);
            tower.Step(weights, gradients);

            // Index 40000 is in rank 1's shard, [32768, 50000): rank 0 never reads it.
            gradients[40000] = float.NaN;
            var refused = Assert.Throws<NonFiniteStepException>(() => tower.Step(weights, gradients));
            Assert.Equal(2, tower.StepCount);

            tower.NonFinitePolicy = NonFinitePolicy.SkipStep;
            tower.Step(weights, gradients);
            Assert.Equal(1, tower.SkippedStepCount);
            return refused.Message;
        });

        Assert.All(messages, m => Assert.StartsWith("Gradient 40000 is not finite", m, StringComparison.Ordinal));
    }

    [Fact]
    public void A_non_finite_loss_on_one_rank_is_refused_on_every_rank()
    {
        long[] skipped = ThreadRanks.Run(2, communicator =>
        {
            var tower = new Tower<double>(TowerSpec.Parse("sgd(alpha=0.1)"), [40000], communicator) { NonFinitePolicy = NonFinitePolicy.SkipStep };
            var weights = new double[40000];
            var gradients = new double[40000];
            tower.Step(weights, gradients, communicator.Rank == 1 ? double.NaN : 1.0);
            return tower.SkippedStepCount;
        });

        Assert.Equal([1L, 1L], skipped);
    }

    [Fact]
    public void Ranks_that_build_different_towers_stop_at_construction_with_one_line()
    {
        string[] messages = ThreadRanks.Run(2, communicator =>
            Assert.Throws<RankMismatchException>(() =>
                new Tower<float>(TowerSpec.Parse(communicator.Rank == 0 ? "adam(alpha=0.01)" : "adam(alpha=0.02)"), [1000], communicator)).Message);

        Assert.All(messages, m => Assert.Contains("rank 1 differs from rank 0", m, StringComparison.Ordinal));
        Assert.Contains("alpha=0.02", messages[1], StringComparison.Ordinal);
        Assert.All(messages, m => Assert.DoesNotContain('\n', m));
    }

    [Fact]
    public void A_tower_without_a_communicator_is_not_sharded_and_gathering_leaves_its_weights()
    {
        var tower = new Tower<float>(TowerSpec.Parse("sgd(alpha=0.1)"), 10);
        Assert.Null(tower.Sharding);
        var weights = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        tower.GatherWeights(weights);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), weights);
    }
}
