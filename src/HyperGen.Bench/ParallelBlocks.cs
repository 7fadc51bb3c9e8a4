using System;
using System.Threading;

namespace HyperGen.Bench;

/// <summary>
/// A loop over <c>[0, count)</c> split into blocks that the calling thread and the <see cref="ParallelBlocks"/>
/// workers claim one at a time. Subclasses hold their buffers as fields and are created once, so running one
/// allocates nothing.
/// </summary>
internal abstract class ParallelBlockJob
{
    // Generation in the high 32 bits, next unclaimed block in the low 32. A worker that wakes late and still
    // holds an earlier run's generation cannot claim a block of the current run: its compare-exchange fails.
    private long _claims;
    private int _blockCount;
    private int _elementCount;
    private int _remaining;
    private Exception? _failure;

    /// <summary>Processes elements <c>[start, start + length)</c>; called once per block and run.</summary>
    protected abstract void RunBlock(int start, int length);

    internal void Prepare(int elementCount)
    {
        _failure = null;
        _elementCount = elementCount;
        _blockCount = (elementCount + ParallelBlocks.BlockSize - 1) / ParallelBlocks.BlockSize;
        Volatile.Write(ref _remaining, _blockCount);
        long generation = (Volatile.Read(ref _claims) >> 32) + 1;
        Volatile.Write(ref _claims, generation << 32);
    }

    internal int BlockCount => _blockCount;

    /// <summary>Claims and runs blocks of the current run until none is left.</summary>
    internal void Work()
    {
        long generation = Volatile.Read(ref _claims) >> 32;
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

            int start = block * ParallelBlocks.BlockSize;
            try
            {
                RunBlock(start, Math.Min(ParallelBlocks.BlockSize, _elementCount - start));
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, exception, null);
            }

            Interlocked.Decrement(ref _remaining);
        }
    }

    /// <summary>
    /// Waits for the blocks the workers claimed. The caller ran blocks until none was left, so at most one block per
    /// worker is still running: spin, without the 1 ms sleeps that a default <see cref="SpinWait"/> inserts.
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
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }
}

/// <summary>
/// Runs the baselines (copy, plain Adam) with the threading <see cref="Tower{T}"/> uses: the calling thread plus
/// one worker per extra core (at most 16 threads), blocks of 16,384 elements. Its workers are its own, started
/// once, and sleep between jobs, so they do not compete with the tower's.
/// </summary>
internal static class ParallelBlocks
{
    /// <summary>Elements per block: the tower's block size, so both split the work the same way.</summary>
    public const int BlockSize = 16384;

    private static readonly object s_gate = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lazy<int> s_workerCount = new(StartWorkers);
    private static ParallelBlockJob? s_current;

    /// <summary>How many threads, the caller included, share a job.</summary>
    public static int Parallelism => s_workerCount.Value + 1;

    /// <summary>Runs <paramref name="job"/> over <paramref name="elementCount"/> elements and returns when all are done.</summary>
    public static void Run(ParallelBlockJob job, int elementCount)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (elementCount <= 0)
        {
            return;
        }

        int workers = s_workerCount.Value;
        lock (s_gate)
        {
            job.Prepare(elementCount);
            int helpers = Math.Min(workers, job.BlockCount - 1);
            if (helpers > 0)
            {
                Volatile.Write(ref s_current, job);
                s_wake.Release(helpers);
            }

            job.Work();
            job.WaitAndRethrow();
        }
    }

    private static int StartWorkers()
    {
        int workers = Math.Clamp(Environment.ProcessorCount, 1, 16) - 1;
        for (int i = 0; i < workers; i++)
        {
            var thread = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"hypergen bench worker {i + 1}",
            };
            thread.Start();
        }

        return workers;
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_wake.Wait();
            Volatile.Read(ref s_current)?.Work();
        }
    }
}
