using System;
using System.Collections.Generic;

namespace HyperGen;

/// <content>
/// Sharded towers: each rank of a job steps its own range of the parameters and holds level 1's state for that range
/// only, while the levels above, a few scalars each, run replicated on every rank.
/// </content>
/// <remarks>
/// <para>
/// Level 1's hypergradient is the only quantity that needs every rank: a sum over all parameters. Each rank sums its
/// own blocks (the same blocks, of <see cref="BlockSize"/> elements from each tensor's start, as a one-process tower),
/// the ranks all-gather those block sums, and every rank adds all of them in global block order, which is the
/// one-process tower's order. So every rank holds bit-identical hyperparameters on every level, and where the shard
/// boundaries fall on block boundaries (<see cref="TowerSharding.IsBlockAligned"/>) the trajectory is the
/// one-process tower's bit for bit. A step communicates once: its block sums (hyperparameters × blocks, in double)
/// and two flags, whether a rank met a non-finite gradient or loss, so that every rank refuses the same steps.
/// </para>
/// <para>
/// A step takes the whole model's weights and gradients, as a one-process tower's does (the gradients already summed
/// over the ranks), and updates the weights of this rank's shard only; <see cref="GatherWeights(Span{T})"/> then
/// brings every rank's updated shard to every rank.
/// </para>
/// </remarks>
public sealed unsafe partial class Tower<T>
{
    /// <summary>The ranks and this rank's part of level 1, or null for a tower that is not sharded.</summary>
    private readonly ShardExchange? _shard;

    /// <summary>
    /// Creates a sharded tower over several tensors, split between the communicator's ranks by
    /// <see cref="TowerSharding.Balanced"/> (block-aligned, so that the result is the one-process tower's bit for bit).
    /// Every rank must call it with the same arguments: it checks that they did, with one collective.
    /// </summary>
    /// <param name="spec">The levels, bottom first.</param>
    /// <param name="tensorSizes">The number of weights of each tensor of the whole model.</param>
    /// <param name="communicator">The ranks that share the tower.</param>
    /// <exception cref="RankMismatchException">Some rank built a different tower (spec, precision, tensors or ranks).</exception>
    public Tower(TowerSpec spec, ReadOnlySpan<int> tensorSizes, ITowerCommunicator communicator)
        : this(spec, TowerSharding.Balanced(tensorSizes, SizeOf(communicator)), communicator)
    {
    }

    /// <summary>Creates a sharded tower split as <paramref name="sharding"/> says. Every rank must call it with the same arguments.</summary>
    /// <param name="spec">The levels, bottom first.</param>
    /// <param name="sharding">The whole model's tensors and each rank's range of them.</param>
    /// <param name="communicator">The ranks that share the tower, as many as <paramref name="sharding"/> has.</param>
    /// <exception cref="RankMismatchException">Some rank built a different tower (spec, precision, tensors or ranks).</exception>
    public Tower(TowerSpec spec, TowerSharding sharding, ITowerCommunicator communicator)
        : this(spec, LocalTensorSizes(sharding, communicator), allowRecomputedPartials: true)
    {
        _shard = new ShardExchange(sharding, communicator, _levels[0].HyperCount);
        ParameterCount = sharding.ParameterCount;
        communicator.EnsureSameOnAllRanks("tower", $"{typeof(T).Name} tower {spec} over {sharding}");
    }

    /// <summary>How the parameters are split between ranks, or null when the tower is not sharded.</summary>
    public TowerSharding? Sharding => _shard?.Sharding;

    /// <summary>
    /// Brings every rank's shard of the weights, as its last step updated them, to every rank (one all-gather); a
    /// tower that is not sharded leaves the weights as they are. Call it on every rank after each step.
    /// </summary>
    /// <param name="weights">The whole model's weights, as passed to <see cref="Step(Span{T}, ReadOnlySpan{T})"/>.</param>
    public void GatherWeights(Span<T> weights)
    {
        if (_shard is null)
        {
            return;
        }

        if (_tensorSizes.Length != 1)
        {
            throw new InvalidOperationException(
                $"This tower was built for {_tensorSizes.Length} tensors; pass them all to GatherWeights(weights[]).");
        }

        _shard.CheckLength(weights.Length, weights.Length, 0);
        _shard.Communicator.AllGather(weights, _shard.PieceCounts(0));
    }

    /// <summary>The tensor form of <see cref="GatherWeights(Span{T})"/>: one all-gather per tensor.</summary>
    /// <param name="weights">Each tensor's weights, in the order of <see cref="TensorSizes"/>.</param>
    public void GatherWeights(ReadOnlySpan<Memory<T>> weights)
    {
        if (_shard is null)
        {
            return;
        }

        if (weights.Length != _tensorSizes.Length)
        {
            throw new ArgumentException($"This tower was built for {_tensorSizes.Length} tensors; got {weights.Length}.", nameof(weights));
        }

        for (int i = 0; i < weights.Length; i++)
        {
            _shard.CheckLength(weights[i].Length, weights[i].Length, i);
        }

        for (int i = 0; i < weights.Length; i++)
        {
            _shard.Communicator.AllGather(weights[i].Span, _shard.PieceCounts(i));
        }
    }

    private static int SizeOf(ITowerCommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        return communicator.Size;
    }

    /// <summary>This rank's piece of each tensor: the tensors the tower's own buffers are laid out for.</summary>
    private static int[] LocalTensorSizes(TowerSharding sharding, ITowerCommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(sharding);
        ArgumentNullException.ThrowIfNull(communicator);
        if (communicator.Size != sharding.RankCount)
        {
            throw new ArgumentException(
                $"The sharding is for {sharding.RankCount} ranks; the communicator has {communicator.Size}.", nameof(sharding));
        }

        var sizes = new int[sharding.TensorSizes.Count];
        for (int t = 0; t < sizes.Length; t++)
        {
            sizes[t] = sharding.Piece(communicator.Rank, t).Length;
        }

        return sizes;
    }

    private void StepShardedFlat(Span<T> weights, ReadOnlySpan<T> gradients, bool hasLoss, T loss, bool gradientsAreNext)
    {
        ShardExchange shard = _shard!;
        if (gradientsAreNext)
        {
            throw new NotSupportedException("A sharded tower takes the whole model's gradients: call Step(weights, gradients).");
        }

        if (_tensorSizes.Length != 1)
        {
            throw new InvalidOperationException(
                $"This tower was built for {_tensorSizes.Length} tensors; pass them all to Step(weights[], gradients[]).");
        }

        shard.CheckLength(weights.Length, gradients.Length, 0);
        if (!BeginShardedStep(hasLoss, loss))
        {
            return;
        }

        fixed (T* w = weights)
        fixed (T* g = gradients)
        {
            int start = shard.PieceStarts[0];
            ReadGradients(g + start, 0);
            if (_reducing && Checks && !shard.KeptSumsAreFinite())
            {
                LocateNonFiniteGradient(g + start, 0);
            }

            if (!ExchangeAndUpdateHyperparameters())
            {
                return;
            }

            StepWeights(w + start, g + start, 0, copyGradients: true);
        }

        EndStep(gradientsWereNext: false);
    }

    private void StepShardedTensors(ReadOnlySpan<Memory<T>> weights, ReadOnlySpan<ReadOnlyMemory<T>> gradients, bool hasLoss, T loss)
    {
        ShardExchange shard = _shard!;
        if (weights.Length != _tensorSizes.Length || gradients.Length != _tensorSizes.Length)
        {
            throw new ArgumentException(
                $"This tower was built for {_tensorSizes.Length} tensors; got {weights.Length} weight and {gradients.Length} gradient tensors.");
        }

        for (int i = 0; i < weights.Length; i++)
        {
            shard.CheckLength(weights[i].Length, gradients[i].Length, i);
        }

        if (!BeginShardedStep(hasLoss, loss))
        {
            return;
        }

        for (int i = 0; i < gradients.Length; i++)
        {
            fixed (T* g = gradients[i].Span)
            {
                ReadGradients(g + shard.PieceStarts[i], i);
            }
        }

        if (_reducing && Checks && !shard.KeptSumsAreFinite())
        {
            for (int i = 0; i < gradients.Length && _firstNonFiniteGradient < 0; i++)
            {
                fixed (T* g = gradients[i].Span)
                {
                    LocateNonFiniteGradient(g + shard.PieceStarts[i], i);
                }
            }
        }

        if (!ExchangeAndUpdateHyperparameters())
        {
            return;
        }

        for (int i = 0; i < weights.Length; i++)
        {
            fixed (T* w = weights[i].Span)
            fixed (T* g = gradients[i].Span)
            {
                StepWeights(w + shard.PieceStarts[i], g + shard.PieceStarts[i], i, copyGradients: true);
            }
        }

        EndStep(gradientsWereNext: false);
    }

    /// <summary>
    /// <see cref="BeginStep"/> less the loss check, which waits for the exchange: a rank must not leave a step
    /// alone, before the collective the others are in. What it does check, the hyperparameters, is the same on every rank.
    /// </summary>
    private bool BeginShardedStep(bool hasLoss, T loss)
    {
        if (!BeginStep(hasLoss: false, T.Zero))
        {
            return false;
        }

        _shard!.Begin(lossIsNonFinite: hasLoss && Checks && !T.IsFinite(loss));
        return true;
    }

    /// <summary>
    /// Exchanges the block sums and flags, adds the sums in global block order, and takes the same decision on every
    /// rank: refuse the step for a non-finite loss or gradient found on any rank, or go on to the replicated levels.
    /// </summary>
    private bool ExchangeAndUpdateHyperparameters()
    {
        if (_reducing || Checks)
        {
            ShardExchange shard = _shard!;
            bool lossIsNonFinite = shard.Exchange(_reducing, ref _firstNonFiniteGradient, _hypergradientSums);
            if (lossIsNonFinite)
            {
                return Refuse(NonFiniteQuantity.Loss, level: 0, hyper: -1, parameter: -1);
            }
        }

        return FinishHypergradients() && UpdateHyperparameters();
    }

    /// <summary>This rank's place in a sharded tower, and the buffers of the one exchange a step makes.</summary>
    private sealed class ShardExchange
    {
        /// <summary>The values a rank adds after its block sums: the first non-finite gradient it found, and its loss flag.</summary>
        private const int FlagCount = 2;

        private readonly int _rank;
        private readonly int _hyperCount;
        private readonly int[] _globalPieceStarts;
        private readonly int[] _localStarts;
        private readonly int[] _localSizes;
        private readonly int[] _blockCounts;
        private readonly int[] _reducingCounts;
        private readonly int[] _flagCounts;
        private readonly int[][] _pieceCounts;
        private readonly double[] _values;
        private int _kept;
        private bool _lossIsNonFinite;

        public ShardExchange(TowerSharding sharding, ITowerCommunicator communicator, int hyperCount)
        {
            Sharding = sharding;
            Communicator = communicator;
            _rank = communicator.Rank;
            _hyperCount = hyperCount;
            int ranks = sharding.RankCount;
            int tensors = sharding.TensorSizes.Count;
            PieceStarts = new int[tensors];
            _globalPieceStarts = new int[tensors];
            _localStarts = new int[tensors];
            _localSizes = new int[tensors];
            _pieceCounts = new int[tensors][];
            int tensorStart = 0;
            int local = 0;
            for (int t = 0; t < tensors; t++)
            {
                (int start, int length) = sharding.Piece(_rank, t);
                PieceStarts[t] = start;
                _globalPieceStarts[t] = tensorStart + start;
                _localStarts[t] = local;
                _localSizes[t] = length;
                local += length;
                tensorStart += sharding.TensorSizes[t];
                _pieceCounts[t] = new int[ranks];
                for (int r = 0; r < ranks; r++)
                {
                    _pieceCounts[t][r] = sharding.Piece(r, t).Length;
                }
            }

            _blockCounts = new int[ranks];
            _reducingCounts = new int[ranks];
            _flagCounts = new int[ranks];
            int total = 0;
            for (int r = 0; r < ranks; r++)
            {
                for (int t = 0; t < tensors; t++)
                {
                    _blockCounts[r] += BlockCount(sharding.Piece(r, t).Length);
                }

                _reducingCounts[r] = (_blockCounts[r] * hyperCount) + FlagCount;
                _flagCounts[r] = FlagCount;
                total += _reducingCounts[r];
            }

            _values = new double[total];
        }

        public TowerSharding Sharding { get; }

        public ITowerCommunicator Communicator { get; }

        /// <summary>Where this rank's piece of each tensor starts within the tensor.</summary>
        public int[] PieceStarts { get; }

        /// <summary>How many weights of tensor <paramref name="tensor"/> each rank holds, in rank order.</summary>
        public ReadOnlySpan<int> PieceCounts(int tensor) => _pieceCounts[tensor];

        public void CheckLength(int weightCount, int gradientCount, int tensor)
        {
            int expected = Sharding.TensorSizes[tensor];
            if (weightCount != expected || gradientCount != expected)
            {
                string which = Sharding.TensorSizes.Count == 1 ? "The tower" : $"Tensor {tensor}";
                throw new ArgumentException(
                    $"{which} has {expected} weights; got {weightCount} weights and {gradientCount} gradients.");
            }
        }

        public void Begin(bool lossIsNonFinite)
        {
            _kept = 0;
            _lossIsNonFinite = lossIsNonFinite;
        }

        /// <summary>Keeps one tensor's block sums, in block order, after the ones kept before in this step.</summary>
        public void Keep(ReadOnlySpan<double> blockSums)
        {
            blockSums.CopyTo(_values.AsSpan(Offset(_rank, _reducingCounts) + _kept));
            _kept += blockSums.Length;
        }

        public bool KeptSumsAreFinite()
        {
            foreach (double sum in _values.AsSpan(Offset(_rank, _reducingCounts), _kept))
            {
                if (!double.IsFinite(sum))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Gathers every rank's block sums and flags; replaces <paramref name="totals"/> with the sums added in rank
        /// order, then block order (the one-process tower's order), and <paramref name="firstNonFinite"/> (this rank's
        /// first non-finite gradient, in its own numbering) with the first over all ranks, in the model's numbering.
        /// </summary>
        /// <returns>Whether any rank's loss was not finite.</returns>
        public bool Exchange(bool reducing, ref long firstNonFinite, double[] totals)
        {
            int[] counts = reducing ? _reducingCounts : _flagCounts;
            int at = Offset(_rank, counts);
            int flags = at + counts[_rank] - FlagCount;
            _values[flags] = firstNonFinite < 0 ? -1 : ToModelIndex(firstNonFinite);
            _values[flags + 1] = _lossIsNonFinite ? 1 : 0;
            Communicator.AllGather<double>(_values.AsSpan(0, Offset(counts.Length, counts)), counts);

            if (reducing)
            {
                Array.Clear(totals);
            }

            firstNonFinite = -1;
            bool lossIsNonFinite = false;
            int offset = 0;
            for (int r = 0; r < counts.Length; r++)
            {
                int blockValues = counts[r] - FlagCount;
                fixed (double* sums = &_values[offset])
                {
                    for (int j = 0; j < _hyperCount; j++)
                    {
                        totals[j] = TowerRules.AddInBlockOrder(totals[j], new HostValues<double>(sums), blockValues / _hyperCount, _hyperCount, j);
                    }
                }

                double first = _values[offset + blockValues];
                if (first >= 0 && firstNonFinite < 0)
                {
                    firstNonFinite = (long)first;
                }

                lossIsNonFinite |= _values[offset + blockValues + 1] != 0;
                offset += counts[r];
            }

            return lossIsNonFinite;
        }

        /// <summary>Turns this rank's own flat index (its pieces laid end to end) into the model's.</summary>
        private long ToModelIndex(long local)
        {
            for (int t = 0; t < _localStarts.Length; t++)
            {
                if (local < _localStarts[t] + (long)_localSizes[t])
                {
                    return _globalPieceStarts[t] + (local - _localStarts[t]);
                }
            }

            throw new ArgumentOutOfRangeException(nameof(local));
        }

        private static int Offset(int rank, int[] counts)
        {
            int offset = 0;
            for (int r = 0; r < rank; r++)
            {
                offset += counts[r];
            }

            return offset;
        }
    }
}
