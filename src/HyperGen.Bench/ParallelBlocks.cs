using System;

namespace HyperGen.Bench;

/// <summary>
/// A loop over <c>[0, count)</c> in blocks of <see cref="ParallelBlocks.BlockSize"/> elements, which
/// <see cref="ParallelBlocks.Run"/> runs on the tower's threads. Subclasses hold their buffers as fields and are
/// created once, so running one allocates nothing.
/// </summary>
internal abstract class ParallelBlockJob : BlockJob
{
    private int _elementCount;

    /// <summary>Processes elements <c>[start, start + length)</c>; called once per block and run.</summary>
    protected abstract void RunBlock(int start, int length);

    /// <summary>Sets the elements of the next run; returns its block count.</summary>
    internal int SetElements(int elementCount)
    {
        _elementCount = elementCount;
        return (elementCount + ParallelBlocks.BlockSize - 1) / ParallelBlocks.BlockSize;
    }

    /// <inheritdoc/>
    protected sealed override void RunBlock(int block)
    {
        int start = block * ParallelBlocks.BlockSize;
        RunBlock(start, Math.Min(ParallelBlocks.BlockSize, _elementCount - start));
    }
}

/// <summary>
/// Runs the baselines (copy, plain Adam) and the floors with the threading <see cref="Tower{T}"/> uses: on its own
/// pool, <see cref="BlockScheduler"/> (the calling thread plus one worker per extra core, at most 16 threads), in its
/// blocks of 16,384 elements. The rows of a run take turns on the same threads, so none is measured with threads,
/// spinning or sleeping that another lacks.
/// </summary>
internal static class ParallelBlocks
{
    /// <summary>Elements per block: the tower's block size (<c>Tower&lt;T&gt;.BlockSize</c>), so both split the work the same way.</summary>
    public const int BlockSize = 16384;

    /// <summary>How many threads, the caller included, share a job.</summary>
    public static int Parallelism => BlockScheduler.Parallelism;

    /// <summary>Runs <paramref name="job"/> over <paramref name="elementCount"/> elements and returns when all are done.</summary>
    public static void Run(ParallelBlockJob job, int elementCount)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (elementCount <= 0)
        {
            return;
        }

        BlockScheduler.Run(job, job.SetElements(elementCount));
    }
}
