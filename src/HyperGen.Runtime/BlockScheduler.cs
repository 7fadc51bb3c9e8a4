using System;
using System.Threading;

namespace HyperGen;

/// <summary>
/// The process's one pool of threads for <see cref="BlockJob"/>s: the calling thread plus one background worker per
/// extra core, at most 16 threads in all. <see cref="Tower{T}"/> runs its steps on it; a model's own gradient code
/// can run on it too, so that training uses one set of threads rather than one per library.
/// </summary>
/// <remarks>
/// <para>
/// The workers start on first use and sleep between jobs. One job runs at a time: a second thread that calls
/// <see cref="Run(BlockJob, int)"/> meanwhile waits for the first job to finish. The calling thread runs blocks too,
/// until none is left, then waits for those the workers took; so a worker the operating system has not scheduled
/// yet (a busy machine) delays a job by at most the block it claimed.
/// </para>
/// <para>
/// Why not <see cref="System.Threading.Tasks.Parallel"/>: it allocates on every call (the closure, the loop state,
/// the tasks), and a tower step runs several parallel passes of a few microseconds to milliseconds, thousands of
/// times per epoch. Running a job here allocates nothing.
/// </para>
/// </remarks>
public static class BlockScheduler
{
    private static readonly object s_gate = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lazy<int> s_workerCount = new(StartWorkers);
    private static BlockJob? s_current;
    private static long[] s_workerAllocatedBytes = [];

    /// <summary>One more than this thread's slot in <see cref="s_workerAllocatedBytes"/>; 0 on threads that are not workers.</summary>
    [ThreadStatic]
    private static int t_workerIndex;

    /// <summary>How many threads, the caller's included, share a job: the processor count, at most 16.</summary>
    public static int Parallelism => s_workerCount.Value + 1;

    /// <summary>Runs blocks 0 to <paramref name="blockCount"/> - 1 of <paramref name="job"/> on every thread of the pool, and returns when all are done.</summary>
    /// <param name="job">The job; its fields are set for this run.</param>
    /// <param name="blockCount">The blocks to run; 0 runs nothing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockCount"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a block: a job cannot run another one.</exception>
    /// <remarks>The first exception a block threw is rethrown here, after every block has run.</remarks>
    public static void Run(BlockJob job, int blockCount) => Run(job, blockCount, int.MaxValue);

    /// <summary>
    /// Runs blocks 0 to <paramref name="blockCount"/> - 1 of <paramref name="job"/> on at most
    /// <paramref name="maxThreads"/> threads of the pool, the caller's included, and returns when all are done.
    /// </summary>
    /// <param name="job">The job; its fields are set for this run.</param>
    /// <param name="blockCount">The blocks to run; 0 runs nothing.</param>
    /// <param name="maxThreads">The threads to wake for the job, the caller's included; 1 runs every block on the calling thread.</param>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockCount"/> is negative or <paramref name="maxThreads"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a block: a job cannot run another one.</exception>
    /// <remarks>
    /// The first exception a block threw is rethrown here, after every block has run. <paramref name="maxThreads"/>
    /// bounds the threads that run its blocks. Which thread runs which block varies from run to run, so a job's
    /// results must not depend on it (each block writes its own part; the caller combines them in a fixed order).
    /// </remarks>
    public static void Run(BlockJob job, int blockCount, int maxThreads)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegative(blockCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxThreads);

        // On a worker, or on the caller while it runs blocks, a nested job would wait for blocks only this thread
        // could run (a worker) or take the pool from the job it is inside of (the caller).
        if (t_workerIndex != 0 || Monitor.IsEntered(s_gate))
        {
            throw new InvalidOperationException("A block of a BlockJob cannot run another BlockJob.");
        }

        if (blockCount == 0)
        {
            return;
        }

        int helpers = Math.Min(Math.Min(s_workerCount.Value, maxThreads - 1), blockCount - 1);
        lock (s_gate)
        {
            job.Prepare(blockCount, helpers);
            if (helpers > 0)
            {
                Volatile.Write(ref s_current, job);
                s_wake.Release(helpers);
            }

            try
            {
                job.Work();
                job.WaitAndRethrow();
            }
            finally
            {
                // A worker that wakes after the job (it was woken for it, but others took every block) finds no job,
                // and the pool does not keep the job, and what it references, alive.
                Volatile.Write(ref s_current, null);
            }
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
            Volatile.Read(ref s_current)?.Help();
        }
    }
}
