using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace HyperGen.Training.Numerics;

/// <summary>
/// Runs a <see cref="RangeJob"/> on the calling thread and ThreadCount - 1 dedicated background threads. The range
/// is cut into a few chunks per thread which the threads claim one at a time, so a worker that the operating system
/// has not scheduled yet (a busy machine) delays the job by at most one chunk: the caller takes the rest itself.
/// </summary>
/// <remarks>
/// <para>
/// Why not Parallel.For: it allocates per call (closure, loop state, tasks), and a training step runs two parallel
/// regions of a few hundred microseconds each, thousands of times per epoch. Here a call allocates nothing: jobs
/// are preallocated objects, chunks are claimed with one compare-and-swap, and threads sleep on
/// <see cref="ManualResetEventSlim"/>s (which spin briefly before blocking).
/// </para>
/// <para>
/// Claiming: <see cref="_cursor"/> packs the run's generation (high 32 bits) and the next free chunk (low 32 bits).
/// A thread reads it, reads the job fields, and claims the chunk by a CAS on the value it read. The caller rewrites
/// the job fields only after every chunk of the previous run has completed, so a successful CAS always pairs the
/// chunk with the fields of its own run; before rewriting them the caller moves the cursor to a new generation with
/// no claimable chunk, so a late worker that read an old value just fails its CAS.
/// </para>
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    private const int ChunksPerThread = 4;
    private const long Closed = int.MaxValue; // a "next chunk" no run reaches: nothing can be claimed

    private readonly ManualResetEventSlim[] _wake;
    private readonly ManualResetEventSlim _allDone = new(false);
    private RangeJob? _job;
    private int _count;
    private int _chunkSize;
    private int _chunkCount;
    private long _cursor;
    private int _completed;
    private Exception? _failure;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="threadCount"/> - 1 background threads (none for one thread).</summary>
    public WorkerTeam(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadCount);
        _wake = new ManualResetEventSlim[threadCount - 1];
        for (int i = 0; i < _wake.Length; i++)
        {
            ManualResetEventSlim wake = _wake[i] = new ManualResetEventSlim(false);
            var thread = new Thread(() => WorkerLoop(wake))
            {
                IsBackground = true, // never keeps the process alive if a model is not disposed
                Name = $"HyperGen.Training worker {i + 1}",
            };
            thread.Start();
        }
    }

    /// <summary>Number of threads a job is split between, the caller's included.</summary>
    public int ThreadCount => _wake.Length + 1;

    /// <summary>
    /// Runs <paramref name="job"/> over [0, <paramref name="count"/>) and returns when every chunk is done. Chunk
    /// boundaries are multiples of <paramref name="grain"/> (a kernel's tile height) so that no chunk ends in a
    /// ragged tile in the middle of the range. Not reentrant: one run at a time.
    /// </summary>
    public void Run(RangeJob job, int count, int grain)
    {
        int pieces = ThreadCount * ChunksPerThread;
        int chunkSize = (count + pieces - 1) / pieces;
        chunkSize = Math.Max(grain, (chunkSize + grain - 1) / grain * grain);
        int chunkCount = (count + chunkSize - 1) / chunkSize;
        if (ThreadCount == 1 || chunkCount <= 1)
        {
            job.Execute(0, count);
            return;
        }

        // Close the previous run first: a late worker that read its cursor value now fails its CAS instead of
        // claiming a chunk while the fields below are being rewritten.
        long generation = (Volatile.Read(ref _cursor) >> 32) + 1;
        Interlocked.Exchange(ref _cursor, (generation << 32) | Closed);
        _job = job;
        _count = count;
        _chunkSize = chunkSize;
        _chunkCount = chunkCount;
        _completed = 0;
        _failure = null;
        _allDone.Reset();
        Volatile.Write(ref _cursor, generation << 32); // opens the run and publishes the fields above
        foreach (ManualResetEventSlim wake in _wake)
        {
            wake.Set();
        }

        ClaimAndRunChunks();

        // Always wait for the event, never just for the counter: the thread that completes the last chunk sets the
        // event after counting it, and that Set must not land after the next run's Reset.
        _allDone.Wait();

        if (_failure is not null)
        {
            ExceptionDispatchInfo.Capture(_failure).Throw();
        }
    }

    /// <summary>Stops the background threads.</summary>
    public void Dispose()
    {
        _stopping = true;
        foreach (ManualResetEventSlim wake in _wake)
        {
            wake.Set();
        }
    }

    private void WorkerLoop(ManualResetEventSlim wake)
    {
        while (true)
        {
            wake.Wait();
            wake.Reset();
            if (_stopping)
            {
                return;
            }

            ClaimAndRunChunks();
        }
    }

    private void ClaimAndRunChunks()
    {
        while (true)
        {
            long cursor = Volatile.Read(ref _cursor);
            int next = (int)(cursor & 0xFFFF_FFFF);
            RangeJob? job = _job;
            int count = _count, chunkSize = _chunkSize, chunkCount = _chunkCount;
            if (next >= chunkCount || job is null)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _cursor, cursor + 1, cursor) != cursor)
            {
                continue;
            }

            int start = next * chunkSize;
            try
            {
                job.Execute(start, Math.Min(count, start + chunkSize));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }

            if (Interlocked.Increment(ref _completed) == chunkCount)
            {
                _allDone.Set();
            }
        }
    }
}
