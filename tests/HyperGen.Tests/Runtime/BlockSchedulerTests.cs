using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>The one thread pool of the process, which the tower, the trainer's products and the bench's baselines run on.</summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class BlockSchedulerTests
{
    [Fact]
    public void The_pool_has_a_thread_per_core_up_to_16()
    {
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 1, 16), BlockScheduler.Parallelism);
    }

    [Fact]
    public void Every_block_runs_exactly_once_in_runs_of_changing_sizes_back_to_back()
    {
        // Sizes that grow and shrink from run to run: a worker that wakes late must not claim a block of the next
        // run with the previous run's claim, which would run a block twice and release the caller early.
        var job = new CountingJob(64);
        var expected = new int[64];
        for (int run = 0; run < 500; run++)
        {
            int blocks = 1 + ((run * 37) % 64);
            job.Visits.AsSpan().Clear();
            BlockScheduler.Run(job, blocks);
            for (int block = 0; block < 64; block++)
            {
                expected[block] = block < blocks ? 1 : 0;
            }

            Assert.Equal(expected, job.Visits);
        }
    }

    [Fact]
    public void The_first_failure_is_rethrown_after_every_other_block_ran()
    {
        var job = new CountingJob(40) { FailAt = 5 };

        var error = Assert.Throws<InvalidOperationException>(() => BlockScheduler.Run(job, 40));

        Assert.Equal("block 5", error.Message);
        Assert.All(job.Visits, visits => Assert.Equal(1, visits));

        // The job runs again, without the old failure.
        job.Visits.AsSpan().Clear();
        BlockScheduler.Run(job, 3);
        Assert.Equal(new[] { 1, 1, 1 }, job.Visits[..3]);
    }

    [Fact]
    public void One_thread_runs_every_block_on_the_calling_thread()
    {
        var job = new ThreadRecordingJob(200);

        // Runs on every thread in between, so that workers are awake and woken for other runs when this one starts.
        for (int round = 0; round < 20; round++)
        {
            BlockScheduler.Run(job, 200);
            BlockScheduler.Run(job, 200, maxThreads: 1);
            Assert.All(job.Threads, thread => Assert.Equal(Environment.CurrentManagedThreadId, thread));
        }
    }

    [Fact]
    public void Zero_blocks_run_nothing_and_a_negative_count_or_no_thread_is_refused()
    {
        var job = new CountingJob(1);

        BlockScheduler.Run(job, 0);

        Assert.Equal(new[] { 0 }, job.Visits);
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockScheduler.Run(job, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockScheduler.Run(job, 1, maxThreads: 0));
        Assert.Throws<ArgumentNullException>(() => BlockScheduler.Run(null!, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void A_block_cannot_run_another_job(int maxThreads)
    {
        var job = new NestingJob();

        var error = Assert.Throws<InvalidOperationException>(() => BlockScheduler.Run(job, 8, maxThreads));

        Assert.Contains("cannot run another BlockJob", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, job.InnerVisits.Visits[0]);
    }

    [Fact]
    public void Running_a_job_allocates_nothing_on_any_thread()
    {
        var job = new CountingJob(64);
        BlockScheduler.Run(job, 64);

        // As in the tower's test: a round that allocates shows every time, the runtime's one-off work in one round
        // at most, so the claim is that some round allocates nothing at all.
        var rounds = new List<long>();
        for (int round = 0; round < 4 && !rounds.Contains(0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread() + BlockScheduler.WorkerAllocatedBytes();
            for (int run = 0; run < 100; run++)
            {
                BlockScheduler.Run(job, 64);
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() + BlockScheduler.WorkerAllocatedBytes() - before);
        }

        Assert.True(rounds.Contains(0), $"bytes allocated by each round of 100 runs: {string.Join(", ", rounds)}");
    }

    /// <summary>Counts each block's runs; optionally fails on one block.</summary>
    private sealed class CountingJob(int capacity) : BlockJob
    {
        public int[] Visits { get; } = new int[capacity];

        public int FailAt { get; init; } = -1;

        protected override void RunBlock(int block)
        {
            Interlocked.Increment(ref Visits[block]);

            // A block's worth of work, so that other threads have time to claim blocks meanwhile.
            Thread.SpinWait(200);
            if (block == FailAt)
            {
                throw new InvalidOperationException($"block {block}");
            }
        }
    }

    /// <summary>Records the thread that ran each block.</summary>
    private sealed class ThreadRecordingJob(int capacity) : BlockJob
    {
        public int[] Threads { get; } = new int[capacity];

        protected override void RunBlock(int block)
        {
            Threads[block] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(200);
        }
    }

    /// <summary>Tries to run another job from inside each block.</summary>
    private sealed class NestingJob : BlockJob
    {
        public CountingJob InnerVisits { get; } = new(1);

        protected override void RunBlock(int block) => BlockScheduler.Run(InnerVisits, 1);
    }
}
