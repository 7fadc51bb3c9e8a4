using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace HyperGen;

/// <summary>
/// How the parameters of a sharded tower are split between ranks: rank r steps the contiguous range
/// <c>[ShardStart(r), ShardStart(r) + ShardLength(r))</c> of the flat numbering (tensor by tensor, without gaps), and
/// holds level 1's state for that range only.
/// </summary>
/// <remarks>
/// A tower sums level 1's hypergradient block by block, each block a fixed number of elements counted from its
/// tensor's start, and adds the block sums in order. Where every shard boundary is a tensor's start or end or a block
/// boundary (<see cref="IsBlockAligned"/>, as <see cref="Balanced"/> makes it), the ranks' blocks are exactly the
/// one-process tower's, and a sharded tower follows the one-process trajectory bit for bit; elsewhere it agrees to
/// rounding.
/// </remarks>
public sealed class TowerSharding
{
    private readonly int[] _tensorSizes;
    private readonly int[] _tensorStarts;
    private readonly int[] _boundaries;

    private TowerSharding(int[] tensorSizes, int[] tensorStarts, int[] boundaries)
    {
        _tensorSizes = tensorSizes;
        _tensorStarts = tensorStarts;
        _boundaries = boundaries;
        IsBlockAligned = Array.TrueForAll(boundaries, IsBlockBoundary);
    }

    /// <summary>The number of elements the tower sums as one block of level 1's hypergradient.</summary>
    public static int BlockSize => Tower<float>.BlockSize;

    /// <summary>How many ranks share the tower.</summary>
    public int RankCount => _boundaries.Length - 1;

    /// <summary>The number of weights over all tensors and ranks.</summary>
    public int ParameterCount => _boundaries[^1];

    /// <summary>The number of weights of each tensor of the whole model.</summary>
    public IReadOnlyList<int> TensorSizes => _tensorSizes;

    /// <summary>Whether every boundary falls on a block boundary of the tower's reduction, which makes sharding exact.</summary>
    public bool IsBlockAligned { get; }

    /// <summary>
    /// Splits the parameters into <paramref name="rankCount"/> ranges of nearly equal size whose boundaries fall on
    /// block boundaries (each boundary the one nearest to an equal split), so that the sharded tower is exact.
    /// </summary>
    /// <remarks>A model of fewer blocks than ranks leaves some ranks with nothing to step; they still take part in every step.</remarks>
    /// <param name="tensorSizes">The number of weights of each tensor, in the order the tower is stepped with.</param>
    /// <param name="rankCount">How many ranks share the tower.</param>
    public static TowerSharding Balanced(ReadOnlySpan<int> tensorSizes, int rankCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rankCount, 1);
        (int[] sizes, int[] starts, long total) = Layout(tensorSizes);
        var boundaries = new int[rankCount + 1];
        for (int r = 1; r < rankCount; r++)
        {
            long target = (total * r + (rankCount / 2)) / rankCount;
            boundaries[r] = NearestBlockBoundary(sizes, starts, (int)target);
        }

        boundaries[rankCount] = (int)total;
        return new TowerSharding(sizes, starts, boundaries);
    }

    /// <summary>Splits the parameters at the given flat indexes, which need not fall on block boundaries.</summary>
    /// <param name="tensorSizes">The number of weights of each tensor, in the order the tower is stepped with.</param>
    /// <param name="boundaries">One more than the ranks: 0, then each rank's end, the last the parameter count; non-decreasing.</param>
    public static TowerSharding FromBoundaries(ReadOnlySpan<int> tensorSizes, ReadOnlySpan<int> boundaries)
    {
        (int[] sizes, int[] starts, long total) = Layout(tensorSizes);
        if (boundaries.Length < 2 || boundaries[0] != 0 || boundaries[^1] != total)
        {
            throw new ArgumentException(
                $"Shard boundaries run from 0 to the parameter count ({total}), one more than the ranks.", nameof(boundaries));
        }

        for (int i = 1; i < boundaries.Length; i++)
        {
            if (boundaries[i] < boundaries[i - 1])
            {
                throw new ArgumentException($"Shard boundary {i} ({boundaries[i]}) is before the one before it ({boundaries[i - 1]}).", nameof(boundaries));
            }
        }

        return new TowerSharding(sizes, starts, boundaries.ToArray());
    }

    /// <summary>The flat index of the first weight rank <paramref name="rank"/> steps.</summary>
    public int ShardStart(int rank) => _boundaries[CheckRank(rank)];

    /// <summary>How many weights rank <paramref name="rank"/> steps.</summary>
    public int ShardLength(int rank) => _boundaries[CheckRank(rank) + 1] - _boundaries[rank];

    /// <summary>
    /// The part of tensor <paramref name="tensor"/> that rank <paramref name="rank"/> steps: where it starts within
    /// the tensor, and how many weights it has (0 where the rank has none of it).
    /// </summary>
    public (int Start, int Length) Piece(int rank, int tensor)
    {
        CheckRank(rank);
        ArgumentOutOfRangeException.ThrowIfNegative(tensor);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tensor, _tensorSizes.Length);
        int from = Math.Max(_boundaries[rank], _tensorStarts[tensor]);
        int to = Math.Min(_boundaries[rank + 1], _tensorStarts[tensor] + _tensorSizes[tensor]);
        return to <= from ? (0, 0) : (from - _tensorStarts[tensor], to - from);
    }

    /// <summary>Describes a flat index as the user numbers it, with its tensor where there are several.</summary>
    internal string DescribeIndex(long index)
    {
        if (_tensorSizes.Length == 1)
        {
            return $"Gradient {index}";
        }

        int tensor = _tensorStarts.Length - 1;
        while (tensor > 0 && (_tensorStarts[tensor] > index || _tensorSizes[tensor] == 0))
        {
            tensor--;
        }

        return $"Gradient {index} (tensor {tensor}, element {index - _tensorStarts[tensor]})";
    }

    /// <summary>The tensors and boundaries, for the start-up check that every rank built the same tower.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{RankCount} ranks over tensors [");
        text.AppendJoin(", ", _tensorSizes);
        text.Append("] split at [");
        text.AppendJoin(", ", _boundaries);
        return text.Append(']').ToString();
    }

    private int CheckRank(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, RankCount);
        return rank;
    }

    private bool IsBlockBoundary(int index)
    {
        for (int t = 0; t < _tensorSizes.Length; t++)
        {
            int start = _tensorStarts[t];
            int end = start + _tensorSizes[t];
            if (index >= start && index <= end && (index == end || (index - start) % BlockSize == 0))
            {
                return true;
            }
        }

        // Only reached by a model without weights, whose one boundary is 0.
        return index == 0;
    }

    private static int NearestBlockBoundary(int[] sizes, int[] starts, int target)
    {
        for (int t = 0; t < sizes.Length; t++)
        {
            int start = starts[t];
            int end = start + sizes[t];
            if (target <= end)
            {
                int below = start + ((target - start) / BlockSize * BlockSize);
                int above = Math.Min(below + BlockSize, end);
                return target - below <= above - target ? below : above;
            }
        }

        return starts.Length == 0 ? 0 : starts[^1] + sizes[^1];
    }

    private static (int[] Sizes, int[] Starts, long Total) Layout(ReadOnlySpan<int> tensorSizes)
    {
        if (tensorSizes.IsEmpty)
        {
            throw new ArgumentException("A tower needs at least one tensor.", nameof(tensorSizes));
        }

        int[] sizes = tensorSizes.ToArray();
        var starts = new int[sizes.Length];
        long total = 0;
        for (int t = 0; t < sizes.Length; t++)
        {
            if (sizes[t] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tensorSizes), $"Tensor {t} has a negative size, {sizes[t]}.");
            }

            starts[t] = (int)total;
            total += sizes[t];
            if (total > Array.MaxLength / 2)
            {
                throw new ArgumentOutOfRangeException(nameof(tensorSizes), $"{total} parameters are more than one tower holds.");
            }
        }

        return (sizes, starts, total);
    }
}
