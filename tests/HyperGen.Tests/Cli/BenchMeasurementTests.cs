using System;
using System.Linq;
using System.Threading;
using HyperGen.Bench;
using HyperGen.Cli.Commands.Bench;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>The pieces <c>hypergen bench</c> measures with: the baselines, the threading, the timer, the byte model, the parsing.</summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class BenchMeasurementTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(16384)]
    [InlineData((3 * 16384) + 5)]
    [InlineData(200_001)]
    public void Parallel_blocks_visit_every_element_exactly_once(int count)
    {
        var job = new CountingJob(200_001);
        for (int run = 1; run <= 3; run++)
        {
            // Runs of different sizes back to back: a late worker must not carry a claim into the next run.
            ParallelBlocks.Run(job, count);
            ParallelBlocks.Run(job, 7);
            for (int i = 0; i < job.Visits.Length; i++)
            {
                int expected = ((i < count ? 1 : 0) + (i < 7 ? 1 : 0)) * run;
                Assert.True(job.Visits[i] == expected, $"element {i}: {job.Visits[i]} visits after {run} runs, not {expected}");
            }
        }
    }

    [Fact]
    public void A_failing_block_is_rethrown_to_the_caller()
    {
        var job = new CountingJob(100_000) { FailAt = 70_000 };

        var error = Assert.Throws<InvalidOperationException>(() => ParallelBlocks.Run(job, 100_000));
        Assert.Contains("70000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_Adam_takes_the_same_steps_as_the_built_in_Adam_at_depth_1()
    {
        const int n = (2 * 16384) + 11; // two parallel blocks and a scalar tail
        var random = new Random(5);
        double[] start = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        double[] gradients = [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5) * 1e-2)];
        double[] plainWeights = [.. start];
        double[] towerWeights = [.. start];
        var plain = new PlainAdam<double>(plainWeights, gradients);
        var tower = new Tower<double>(TowerSpec.Parse("adam"), n);

        for (int step = 0; step < 5; step++)
        {
            plain.Step();
            tower.Step(towerWeights, gradients);
        }

        for (int i = 0; i < n; i++)
        {
            Assert.NotEqual(start[i], plainWeights[i]);
            Assert.Equal(towerWeights[i], plainWeights[i], 1e-12);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData((2 * 16384) + 37, false)]
    [InlineData((2 * 16384) + 37, true)]
    public void The_copy_copies_every_element(int n, bool streaming)
    {
        float[] source = [.. Enumerable.Range(0, n).Select(i => (float)i)];
        var copy = new BufferCopy<float>(source, streaming);

        copy.Step();

        Assert.Equal(source, copy.Destination.ToArray());
    }

    [Fact]
    public void The_byte_model_counts_level_one_state_and_how_the_partials_are_had()
    {
        // Depth 1: the gradient scan, then the plain update.
        Assert.Equal(TrafficModel.PlainAdamElements + 1, TrafficModel.TowerElements(Adam.Definition, 1));
        Assert.Equal(6, TrafficModel.TowerElements(Sgd.Definition, 1));

        // Recomputed partials (Adam, RMSProp): 6 + 3S whatever the depth.
        Assert.Equal(12, TrafficModel.TowerElements(Adam.Definition, 2));
        Assert.Equal(12, TrafficModel.TowerElements(Adam.Definition, 32));
        Assert.Equal(9, TrafficModel.TowerElements(RmsProp.Definition, 3));

        // Stored partials (AdaGrad: one state, one hyperparameter): 4 + 2S + 2H.
        Assert.IsNotAssignableFrom<IRecomputingStepKernel<float>>(AdaGrad.Definition.GetKernel<float>());
        Assert.Equal(8, TrafficModel.TowerElements(AdaGrad.Definition, 2));
    }

    [Fact]
    public void The_byte_model_splits_a_step_into_the_first_pass_and_the_update()
    {
        // Depth 1: the scan reads g; the update reads w, g, m, v and writes them back but g.
        Assert.Equal(new PassTraffic(1, 4, 3, 0), TrafficModel.TowerTraffic(Adam.Definition, 1));

        // Recomputed (Adam): the reduction reads g, the previous g, m and v; the update reads w, g, m, v, overwrites w
        // and writes the new m and v and the copy of g for the next reduction.
        Assert.Equal(new PassTraffic(4, 4, 1, 3), TrafficModel.TowerTraffic(Adam.Definition, 3));

        // Stored (AdaGrad, one hyperparameter): the reduction reads g and the partial; the update overwrites w and the
        // state and writes the new partial.
        Assert.Equal(new PassTraffic(2, 3, 2, 1), TrafficModel.TowerTraffic(AdaGrad.Definition, 2));

        // Adam told to store its three partials, as a GPU tower never is but the CPU one can be.
        Assert.Equal(new PassTraffic(4, 4, 3, 3), TrafficModel.TowerTraffic(Adam.Definition, 2, recomputes: false));
        Assert.Equal(14, TrafficModel.TowerTraffic(Adam.Definition, 2, recomputes: false).Elements);
    }

    [Fact]
    public void Sizes_accept_powers_of_two_and_come_out_sorted_without_duplicates()
    {
        Assert.Equal(new[] { 1000, 1 << 20, 1 << 24 }, BenchOptionParser.ParseSizes("2^24, 1000,2^20,1048576"));
        Assert.Equal(new[] { 1, 2, 32 }, BenchOptionParser.ParseDepths("32,1,2,2"));
    }

    [Fact]
    public void Tower_shapes_put_the_chosen_level_above_level_one()
    {
        TowerShape fixedAbove = BenchOptionParser.ParseShape("sgd(alpha=1e-5)", OptimizerCatalog.BuiltIn);
        TowerShape recursive = BenchOptionParser.ParseShape("same", OptimizerCatalog.BuiltIn);

        Assert.Equal("adam(alpha=0.001, beta1=0.9, beta2=0.999)/sgd(alpha=1E-05, mu=0)/sgd(alpha=1E-05, mu=0)", fixedAbove.Build(Adam.Definition, 3).ToString());
        Assert.Equal("rmsprop(alpha=0.01, gamma=0.99)/rmsprop(alpha=1E-05, gamma=0.99)", recursive.Build(RmsProp.Definition, 2).ToString());
        Assert.Equal("adam(alpha=0.001, beta1=0.9, beta2=0.999)", recursive.Build(Adam.Definition, 1).ToString());
    }

    [Fact]
    public void The_timer_counts_the_bytes_a_step_allocates_and_reports_zero_for_a_step_that_does_not()
    {
        StepTiming allocating = StepTimer.Measure(new AllocatingStep(1000), TimeSpan.FromMilliseconds(5));
        StepTiming copying = StepTimer.Measure(new BufferCopy<float>(new float[50_000], streaming: true), TimeSpan.FromMilliseconds(5));

        Assert.InRange(allocating.AllocatedBytesPerStep, 1000, 1100); // the array and its header
        Assert.Equal(0, copying.AllocatedBytesPerStep);
        Assert.True(allocating.Repetitions >= StepTimer.MinRepetitions);
        Assert.True(allocating.MedianMilliseconds > 0);
    }

    [Fact]
    public void Interleaved_operations_are_measured_in_turns_each_with_its_own_counts()
    {
        StepTiming[] timings = StepTimer.MeasureInterleaved(
            [new AllocatingStep(1000), new BufferCopy<double>(new double[20_000], streaming: false), new AllocatingStep(4000)], TimeSpan.FromMilliseconds(5));

        Assert.Equal(3, timings.Length);
        Assert.InRange(timings[0].AllocatedBytesPerStep, 1000, 1100);
        Assert.Equal(0, timings[1].AllocatedBytesPerStep);
        Assert.InRange(timings[2].AllocatedBytesPerStep, 4000, 4100);
        Assert.All(timings, t => Assert.Equal(timings[0].Repetitions, t.Repetitions)); // one repetition of each per turn
        Assert.True(timings[0].Repetitions >= StepTimer.MinRepetitions);
    }

    [Fact]
    public void Operations_that_do_not_fit_in_memory_together_are_measured_one_after_the_other()
    {
        // 100 ms per row, so a quarter of it warms up: with 5 ms, the JIT's move of the copy loop to optimized code
        // could land in the timed repetitions and its allocations (on its own thread, which the process-wide count
        // includes) be counted as the copy's, depending on which tests ran before.
        var plan = new BenchPlan([3000], [Adam.Definition], [1, 2], "float", TowerShape.Default, TimeSpan.FromMilliseconds(100));
        using var progress = new System.IO.StringWriter();

        BenchReport report = BenchRunner.Run(plan, progress, interleavingLimitBytes: 3000 * 4 * 8); // less than they hold

        Assert.Equal(["copy", "plain-adam", "adam", "adam"], report.Rows.Select(r => r.Operation));
        Assert.All(report.Rows, r => Assert.False(r.Interleaved));
        Assert.All(report.Rows, r => Assert.Equal(0, r.Timing.AllocatedBytesPerStep));
        Assert.Equal(2, report.Floors.Count); // depth 1's and depth 2's
        Assert.All(report.Floors, f => Assert.False(f.Measurement.Interleaved));
        Assert.All(report.Floors, f => Assert.Equal(0, f.Measurement.Timing.AllocatedBytesPerStep));
        Assert.Contains("one after the other", progress.ToString(), StringComparison.Ordinal);
        Assert.Contains("except at N = 3000 (one after the other", MarkdownReportWriter.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, StepTimer.Median(new double[] { 4, 1, 3, 2 }));
        Assert.Equal(3, StepTimer.Median(new double[] { 5, 3, 1 }));
    }

    /// <summary>Allocates a byte array of the given length at every step.</summary>
    private sealed class AllocatingStep(int length) : IMeasuredStep
    {
        public byte[] Last { get; private set; } = [];

        public void Step() => Last = new byte[length];
    }

    /// <summary>Counts how often each element was visited; optionally fails on one element.</summary>
    private sealed class CountingJob(int capacity) : ParallelBlockJob
    {
        public int[] Visits { get; } = new int[capacity];

        public int FailAt { get; init; } = -1;

        protected override void RunBlock(int start, int length)
        {
            for (int i = start; i < start + length; i++)
            {
                if (i == FailAt)
                {
                    throw new InvalidOperationException($"element {i}");
                }

                Interlocked.Increment(ref Visits[i]);
            }
        }
    }
}
