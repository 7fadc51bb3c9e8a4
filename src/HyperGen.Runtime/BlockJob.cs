using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace HyperGen;

/// <summary>
/// Work split into numbered blocks, which <see cref="BlockScheduler"/> runs on the calling thread and its workers.
/// </summary>
/// <remarks>
/// A job is created once, holds what its blocks read and write as fields, and is run again for every step, so
/// running it allocates nothing: a lambda capturing spans or locals would allocate a closure per call (and spans
/// cannot be captured at all). Set the fields, then call <see cref="BlockScheduler.Run(BlockJob, int)"/>; they are
/// read by every thread that runs a block, and are not to change until it returns.
/// </remarks>
/// <example>
/// A sum of squares in blocks of 16,384, each block's part kept apart so that the total does not depend on which
/// thread ran which block:
/// <code>
/// sealed class SumOfSquares(float[] values) : BlockJob
/// {
///     public const int BlockSize = 16384;
///     public readonly double[] Parts = new double[(values.Length + BlockSize - 1) / BlockSize];
///
///     protected override void RunBlock(int block)
///     {
///         double sum = 0;
///         int end = Math.Min(values.Length, (block + 1) * BlockSize);
///         for (int i = block * BlockSize; i &lt; end; i++) sum += values[i] * (double)values[i];
///         Parts[block] = sum;
///     }
/// }
///
/// var job = new SumOfSquares(values);
/// BlockScheduler.Run(job, job.Parts.Length);
/// double total = job.Parts.Sum();
/// </code>
/// </example>
public abstract class BlockJob
{
    // The low 32 bits of a claim word: no run has this many blocks, so nothing can be claimed.
    private const long Closed = int.MaxValue;

    // The run's generation in the high 32 bits, the next unclaimed block in the low 32. A thread claims a block by a
    // compare-exchange on the word it read, so a worker that wakes late, still holding an earlier run's word, cannot
    // claim a block of the current run: its compare-exchange fails, or the generation it read is not the current one.
    private long _claims;

    // The run's generation in the high 32 bits, the workers that may still join it in the low 32: a worker woken for
    // an earlier run, which may arrive during this one, takes a seat of its own generation or none.
    private long _seats;
    private int _blockCount;
    private int _remaining;
    private Exception? _failure;

    /// <summary>Processes block <paramref name="block"/>.</summary>
    /// <param name="block">The block, from 0 to the block count of the run less 1.</param>
    /// <remarks>
    /// Called once per block and run, on any of the threads and in no particular order, so blocks must write apart.
    /// An exception ends nothing early: the other blocks still run, and the first exception is rethrown to the
    /// caller of <see cref="BlockScheduler.Run(BlockJob, int)"/>.
    /// </remarks>
    protected abstract void RunBlock(int block);

    /// <summary>
    /// Opens a run of <paramref name="blockCount"/> blocks that at most <paramref name="helpers"/> workers join
    /// (<see cref="Help"/>) beside the caller (<see cref="Work"/>); the previous run has completed.
    /// </summary>
    internal void Prepare(int blockCount, int helpers)
    {
        // Closed first, in a new generation: a late worker that read the previous run's claim word now fails its
        // compare-exchange instead of claiming a block while the fields below are being rewritten.
        long generation = (Volatile.Read(ref _claims) >> 32) + 1;
        Interlocked.Exchange(ref _claims, (generation << 32) | Closed);
        _failure = null;
        _blockCount = blockCount;
        _remaining = blockCount;

        // Opens the run, and publishes the fields above to every thread that reads the word after it.
        Volatile.Write(ref _claims, generation << 32);

        // The seats last, so that a worker that takes one finds the run open.
        Volatile.Write(ref _seats, (generation << 32) | (uint)helpers);
    }

    /// <summary>A worker's share: takes a seat of the current run, if one is left, and runs blocks of that run.</summary>
    internal void Help()
    {
        while (true)
        {
            long seats = Volatile.Read(ref _seats);
            if ((seats & uint.MaxValue) == 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _seats, seats - 1, seats) == seats)
            {
                Claim(seats >> 32);
                return;
            }
        }
    }

    /// <summary>The caller's share: claims and runs blocks of the current run until none is left.</summary>
    internal void Work() => Claim(Volatile.Read(ref _claims) >> 32);

    /// <summary>Claims and runs blocks of run <paramref name="generation"/> until none is left, or another run began.</summary>
    private void Claim(long generation)
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            int block = (int)(claims & uint.MaxValue);
            if ((claims >> 32) != generation || block >= Volatile.Read(ref _blockCount))
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) != claims)
            {
                continue;
            }

            try
            {
                RunBlock(block);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }

            // Before the decrement that may release the caller, so the count covers this block.
            BlockScheduler.RecordWorkerAllocations();
            Interlocked.Decrement(ref _remaining);
        }
    }

    /// <summary>
    /// Waits for the blocks other threads claimed, then rethrows the first block's exception. The caller has run
    /// blocks itself until none was left, so at most one block per worker is still running: it spins, without the
    /// 1 ms sleeps a default <see cref="SpinWait"/> inserts (a block takes microseconds), and unlike
    /// <see cref="ManualResetEventSlim"/>, whose first blocking wait allocates its lock object, it never allocates.
    /// </summary>
    internal void WaitAndRethrow()
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _remaining) != 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        if (_failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
