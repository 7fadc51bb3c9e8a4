using System;
using System.Threading;

namespace HyperGen;

/// <summary>
/// A piece of work split into numbered blocks that may run on several threads. Jobs are allocated once and reused
/// for every step, so running one allocates nothing.
/// </summary>
internal abstract class BlockJob
{
    private int _nextBlock;
    private int _blockCount;
    private int _remaining;
    private Exception? _failure;

    /// <summary>Processes block <paramref name="block"/>; called at most once per block and run.</summary>
    protected abstract void RunBlock(int block);

    internal void Prepare(int blockCount)
    {
        _failure = null;
        Volatile.Write(ref _blockCount, blockCount);
        Volatile.Write(ref _remaining, blockCount);
        Interlocked.Exchange(ref _nextBlock, 0);
    }

    /// <summary>Claims and runs blocks until none is left.</summary>
    internal void Work()
    {
        while (true)
        {
            int block = Interlocked.Increment(ref _nextBlock) - 1;
            if (block >= Volatile.Read(ref _blockCount))
            {
                return;
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
    /// Waits for the blocks other threads claimed. The caller has run blocks itself until none was left, so this
    /// waits for at most one block per worker: spinning is right, and unlike ManualResetEventSlim, whose first
    /// blocking wait allocates its lock object, it never allocates.
    /// </summary>
    internal void WaitAndRethrow()
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _remaining) != 0)
        {
            spinner.SpinOnce();
        }

        if (_failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }
}

/// <summary>
/// Runs <see cref="BlockJob"/>s on the calling thread plus one background worker per extra core. The workers are
/// started once, on first use, and sleep between jobs; one job runs at a time.
/// </summary>
internal static class BlockScheduler
{
    private static readonly object s_gate = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lazy<int> s_workerCount = new(StartWorkers);
    private static BlockJob? s_current;
    private static long[] s_workerAllocatedBytes = [];

    /// <summary>One more than this thread's slot in <see cref="s_workerAllocatedBytes"/>; 0 on threads that are not workers.</summary>
    [ThreadStatic]
    private static int t_workerIndex;

    /// <summary>How many threads, the caller included, share a job.</summary>
    public static int Parallelism => s_workerCount.Value + 1;

    public static void Run(BlockJob job, int blockCount)
    {
        if (blockCount <= 0)
        {
            return;
        }

        int workers = s_workerCount.Value;
        lock (s_gate)
        {
            job.Prepare(blockCount);
            if (blockCount > 1 && workers > 0)
            {
                Volatile.Write(ref s_current, job);
                s_wake.Release(Math.Min(workers, blockCount - 1));
            }

            job.Work();
            job.WaitAndRethrow();
        }
    }

    /// <summary>Publishes the calling worker's allocation count; does nothing on other threads.</summary>
    internal static void RecordWorkerAllocations()
    {
        int index = t_workerIndex - 1;
        if (index >= 0)
        {
            Volatile.Write(ref s_workerAllocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
        }
    }

    /// <summary>
    /// Bytes the worker threads have allocated so far, as each published it after its last block; lets tests prove that a
    /// parallel step allocates nothing on any thread without counting the rest of the process.
    /// </summary>
    internal static long WorkerAllocatedBytes()
    {
        long total = 0;
        long[] perWorker = s_workerAllocatedBytes;
        for (int i = 0; i < perWorker.Length; i++)
        {
            total += Volatile.Read(ref perWorker[i]);
        }

        return total;
    }

    private static int StartWorkers()
    {
        int workers = Math.Clamp(Environment.ProcessorCount, 1, 16) - 1;
        s_workerAllocatedBytes = new long[workers];
        for (int i = 0; i < workers; i++)
        {
            int index = i;
            var thread = new Thread(() => WorkerLoop(index))
            {
                IsBackground = true,
                Name = $"HyperGen worker {i + 1}",
            };
            thread.Start();
        }

        return workers;
    }

    private static void WorkerLoop(int index)
    {
        // Stored 1-based so that the default 0 of every other thread means "not a worker"; published once before
        // the first job so that a job's count starts from the thread's own start-up.
        t_workerIndex = index + 1;
        RecordWorkerAllocations();
        while (true)
        {
            s_wake.Wait();
            Volatile.Read(ref s_current)?.Work();
        }
    }
}
