using System;

namespace HyperGen.Training.Numerics;

/// <summary>
/// A unit of work over an index range that <see cref="Run"/> cuts into chunks and runs on the process's thread pool,
/// <see cref="BlockScheduler"/> (the one a CPU tower steps on, so training uses one set of threads). Jobs are
/// preallocated objects whose fields are set before each run, so running one allocates nothing (a lambda capturing
/// spans or locals would allocate a closure per call, and spans cannot be captured at all).
/// </summary>
/// <remarks>
/// The range is cut into a few chunks per thread, which the threads claim one at a time, so a thread that the
/// operating system has not scheduled yet (a busy machine) delays the job by at most one chunk: the caller takes the
/// rest itself. Each chunk writes its own rows, so the result does not depend on how the range was cut.
/// </remarks>
internal abstract class RangeJob : BlockJob
{
    private const int ChunksPerThread = 4;

    private int _count;
    private int _chunkSize;

    /// <summary>Processes the indices in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public abstract void Execute(int start, int end);

    /// <summary>
    /// Runs over [0, <paramref name="count"/>) on up to <paramref name="threadCount"/> threads, the caller's
    /// included, and returns when every chunk is done. Chunk boundaries are multiples of <paramref name="grain"/> (a
    /// kernel's tile height) so that no chunk ends in a ragged tile in the middle of the range. One thread, or a range
    /// of one chunk, runs inline. Not reentrant: one run at a time.
    /// </summary>
    public void Run(int count, int grain, int threadCount)
    {
        int pieces = threadCount * ChunksPerThread;
        int chunkSize = (count + pieces - 1) / pieces;
        chunkSize = Math.Max(grain, (chunkSize + grain - 1) / grain * grain);
        int chunkCount = (count + chunkSize - 1) / chunkSize;
        if (threadCount == 1 || chunkCount <= 1)
        {
            Execute(0, count);
            return;
        }

        _count = count;
        _chunkSize = chunkSize;
        BlockScheduler.Run(this, chunkCount, threadCount);
    }

    /// <inheritdoc/>
    protected sealed override void RunBlock(int block)
    {
        int start = block * _chunkSize;
        Execute(start, Math.Min(_count, start + _chunkSize));
    }
}
