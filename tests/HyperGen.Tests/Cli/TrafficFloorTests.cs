using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Bench;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// The floor of <c>hypergen bench</c>: that it moves exactly the elements the byte model counts for a tower row, pass by
/// pass, every element once, and leaves the bench's weights as they were.
/// </summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class TrafficFloorTests
{
    /// <summary>Two whole blocks and a partial one whose end is neither a whole number of vector groups nor of vectors.</summary>
    private const int Count = (2 * ParallelBlocks.BlockSize) + 37;

    public static TheoryData<string, int, bool> Rows()
    {
        var rows = new TheoryData<string, int, bool>();
        foreach (string name in OptimizerCatalog.BuiltIn.Names)
        {
            foreach (int depth in new[] { 1, 2, 32 })
            {
                rows.Add(name, depth, false);
            }

            rows.Add(name, 2, true);
        }

        return rows;
    }

    /// <summary>
    /// Buffer b holds 4^b at every element, so a sum of elements, each read once, is a number whose base-4 digits are
    /// all 0 or 1 and name the buffers read. The first pass's total says what it read and how often; what the update
    /// wrote says what it read (a write-only buffer gets the sum of everything the update read, an overwritten one its
    /// own value plus the sum up to it, itself included) and which buffers it wrote. The counts must be the byte
    /// model's, pass by pass, and add up to its elements per parameter.
    /// </summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void The_floor_reads_and_writes_exactly_the_elements_of_the_byte_model(string optimizer, int depth, bool streaming)
    {
        OptimizerDefinition definition = OptimizerCatalog.BuiltIn.Find(optimizer)!;
        PassTraffic traffic = TrafficModel.TowerTraffic(definition, depth);
        double[] weights = new double[Count], gradients = new double[Count];
        var floor = new TrafficFloor<double>(traffic, weights, gradients, streamingThresholdBytes: streaming ? 0 : long.MaxValue) { Scale = 1 };
        Memory<double>[] buffers = [weights, gradients, .. floor.OwnBuffers];
        for (int b = 0; b < buffers.Length; b++)
        {
            buffers[b].Span.Fill(Code(b));
        }

        floor.Step();

        // The first pass: every element of each buffer it reads, once, so the total is Count times one sum of codes.
        int[] firstReads = Digits(floor.FirstPassTotal / Count, buffers.Length);

        var overwrites = new List<int>();
        var writeOnly = new List<int>();
        var updateReads = new int[buffers.Length];
        for (int b = 0; b < buffers.Length; b++)
        {
            double[] after = buffers[b].ToArray();
            Assert.True(after.All(v => v == after[0]), $"buffer {b}: its elements were not all treated alike");
            if (after[0] == Code(b))
            {
                continue;
            }

            // Overwritten, the buffer holds its code twice (its old value, and itself in the sum); write-only, not at all.
            int[] digits = Digits(after[0], buffers.Length, most: 2);
            Assert.True(digits[b] != 1, $"buffer {b} holds {after[0]}, neither an overwrite nor a sum of the others");
            (digits[b] == 2 ? overwrites : writeOnly).Add(b);
            int[] read = Digits(digits[b] == 2 ? after[0] - Code(b) : after[0], buffers.Length);
            for (int r = 0; r < read.Length; r++)
            {
                updateReads[r] = Math.Max(updateReads[r], read[r]);
            }
        }

        var measured = new PassTraffic(firstReads.Sum(), updateReads.Sum(), overwrites.Count, writeOnly.Count);
        Assert.Equal(traffic, measured);
        Assert.Equal(TrafficModel.TowerElements(definition, depth), measured.Elements);

        // The tower's roles: the first pass reads the gradients and what the last update wrote without reading it;
        // the update reads the weights and the gradients and overwrites the weights.
        Assert.Equal(1, firstReads[1]);
        int[] keptForTheNextStep = [1, .. writeOnly];
        Assert.Equal(keptForTheNextStep, Enumerable.Range(0, buffers.Length).Where(b => firstReads[b] == 1));
        Assert.Equal((1, 1), (updateReads[0], updateReads[1]));
        Assert.Contains(0, overwrites);
        Assert.Equal(streaming && traffic.UpdateWriteOnly > 0, floor.Streams);
    }

    [Fact]
    public void With_the_bench_scale_a_step_leaves_every_value_as_it_was_and_allocates_nothing()
    {
        // The floor shares the bench's weights with every other row of its N, so it must not move them.
        const int n = (3 * ParallelBlocks.BlockSize) + 5;
        float[] weights = BenchData.Weights<float>(n);
        float[] gradients = BenchData.Gradients<float>(n);
        float[] start = [.. weights];
        var floor = new TrafficFloor<float>(TrafficModel.TowerTraffic(Adam.Definition, 3), weights, gradients, streamingThresholdBytes: 0);

        // 200 ms, so that its quarter of warm-up lets the JIT move the loops to optimized code first: that happens on
        // the JIT's own thread, whose allocations the process-wide count includes.
        StepTiming timing = StepTimer.Measure(floor, TimeSpan.FromMilliseconds(200));

        Assert.True(floor.Streams);
        Assert.Equal(start, weights);
        Assert.Equal(0, timing.AllocatedBytesPerStep);
        Assert.True(double.IsFinite(floor.FirstPassTotal) && floor.FirstPassTotal != 0);
    }

    [Fact]
    public void The_floor_streams_from_the_size_the_tower_does()
    {
        Assert.Equal(Tower<float>.DefaultStreamingThresholdBytes, TrafficFloor<float>.TowerStreamingThresholdBytes);
    }

    [Fact]
    public void A_traffic_that_is_not_a_tower_step_is_refused()
    {
        // An update that overwrites more than it reads is no tower's.
        var error = Assert.Throws<ArgumentException>(() => new TrafficFloor<float>(new PassTraffic(1, 3, 3, 0), new float[8], new float[8]));
        Assert.Contains("not such a step", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Buffer <paramref name="b"/>'s code, 4^b: sums of distinct codes read back digit by digit.</summary>
    private static double Code(int b) => Math.Pow(4, b);

    /// <summary>The base-4 digits of <paramref name="sum"/>, one per buffer, each checked to be at most <paramref name="most"/>.</summary>
    private static int[] Digits(double sum, int buffers, int most = 1)
    {
        Assert.True(sum == Math.Floor(sum) && sum > 0 && sum < Code(buffers), $"{sum} is not a sum of buffer codes");
        var digits = new int[buffers];
        long rest = (long)sum;
        for (int b = 0; b < buffers; b++, rest /= 4)
        {
            digits[b] = (int)(rest % 4);
            Assert.True(digits[b] <= most, $"buffer {b} counted {digits[b]} times for one element in one pass");
        }

        return digits;
    }
}
