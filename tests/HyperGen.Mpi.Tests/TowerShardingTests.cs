using System;
using System.Linq;
using Xunit;

namespace HyperGen.Mpi.Tests;

public sealed class TowerShardingTests
{
    [Theory]
    [InlineData(new[] { 100_000 }, 2)]
    [InlineData(new[] { 40000, 7, 0, 30000 }, 3)]
    [InlineData(new[] { 1_000_000, 3, 250_000 }, 8)]
    [InlineData(new[] { 5000 }, 4)]
    public void Balanced_shards_cover_the_model_in_order_on_block_boundaries_and_nearly_equally(int[] tensors, int ranks)
    {
        TowerSharding sharding = TowerSharding.Balanced(tensors, ranks);
        Assert.True(sharding.IsBlockAligned);
        Assert.Equal(tensors.Sum(), sharding.ParameterCount);
        int next = 0;
        for (int r = 0; r < ranks; r++)
        {
            Assert.Equal(next, sharding.ShardStart(r));
            next += sharding.ShardLength(r);

            // Each boundary is the block boundary nearest to an equal split: within half a block of it.
            double ideal = (double)sharding.ParameterCount * (r + 1) / ranks;
            Assert.InRange(next, ideal - (TowerSharding.BlockSize / 2.0) - 1, ideal + (TowerSharding.BlockSize / 2.0) + 1);
        }

        Assert.Equal(sharding.ParameterCount, next);
        for (int t = 0; t < tensors.Length; t++)
        {
            Assert.Equal(tensors[t], Enumerable.Range(0, ranks).Sum(r => sharding.Piece(r, t).Length));
        }
    }

    [Fact]
    public void Explicit_boundaries_are_checked()
    {
        Assert.Throws<ArgumentException>(() => TowerSharding.FromBoundaries([100], [0, 50]));
        Assert.Throws<ArgumentException>(() => TowerSharding.FromBoundaries([100], [0, 60, 50, 100]));
        Assert.False(TowerSharding.FromBoundaries([100_000], [0, 50, 100_000]).IsBlockAligned);
        Assert.True(TowerSharding.FromBoundaries([100_000, 10], [0, TowerSharding.BlockSize, 100_000, 100_010]).IsBlockAligned);
    }
}
