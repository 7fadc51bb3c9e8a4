using System;
using System.Collections.Generic;
using HyperGen.Training.Model;
using Xunit;

namespace HyperGen.Tests.TrainingModel;

/// <summary>The model's two large products, split between the threads of the runtime's pool.</summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class MlpThreadingTests
{
    [Theory]
    [InlineData(256, 1)]
    [InlineData(37, 2)] // a batch that ends in a ragged tile
    [InlineData(5, 3)]  // fewer rows than threads
    public void Split_products_equal_the_single_thread_ones_bit_for_bit(int batch, int seed)
    {
        (float[] inputs, byte[] labels) = Batch(batch, seed);
        using var single = new Mlp(MlpShape.Paper, maxBatchSize: 256, threadCount: 1);
        using var split = new Mlp(MlpShape.Paper, maxBatchSize: 256, threadCount: 8);
        single.InitializeParameters(seed);
        split.InitializeParameters(seed);

        for (int repeat = 0; repeat < 3; repeat++)
        {
            float singleLoss = single.ComputeGradients(inputs, labels);
            float splitLoss = split.ComputeGradients(inputs, labels);

            Assert.Equal(BitConverter.SingleToInt32Bits(singleLoss), BitConverter.SingleToInt32Bits(splitLoss));
            for (int i = 0; i < single.Gradients.Length; i++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(single.Gradients[i]) == BitConverter.SingleToInt32Bits(split.Gradients[i]),
                    $"gradient {i}: {single.Gradients[i]:R} on one thread, {split.Gradients[i]:R} on {split.ThreadCount}");
            }
        }
    }

    [Fact]
    public void The_thread_count_is_at_most_the_pools()
    {
        using var one = new Mlp(MlpShape.Paper, threadCount: 1);
        using var many = new Mlp(MlpShape.Paper, threadCount: 64);

        Assert.Equal(1, one.ThreadCount);
        Assert.Equal(Math.Min(64, BlockScheduler.Parallelism), many.ThreadCount);
    }

    [Fact]
    public void A_batch_on_several_threads_allocates_nothing_on_any_thread()
    {
        (float[] inputs, byte[] labels) = Batch(256, 4);
        using var model = new Mlp(MlpShape.Paper, maxBatchSize: 256, threadCount: 8);
        model.InitializeParameters(4);
        model.ComputeGradients(inputs, labels);

        // A round that allocates shows every time, the runtime's one-off work in one round at most.
        var rounds = new List<long>();
        for (int round = 0; round < 4 && !rounds.Contains(0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread() + BlockScheduler.WorkerAllocatedBytes();
            for (int batch = 0; batch < 5; batch++)
            {
                model.ComputeGradients(inputs, labels);
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() + BlockScheduler.WorkerAllocatedBytes() - before);
        }

        Assert.True(rounds.Contains(0), $"bytes allocated by each round of 5 batches: {string.Join(", ", rounds)}");
    }

    private static (float[] Inputs, byte[] Labels) Batch(int batch, int seed)
    {
        var random = new Random(seed);
        float[] inputs = new float[batch * MlpShape.Paper.Inputs];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.Next(256) / 255f;
        }

        byte[] labels = new byte[batch];
        random.NextBytes(labels);
        for (int i = 0; i < batch; i++)
        {
            labels[i] %= (byte)MlpShape.Paper.Classes;
        }

        return (inputs, labels);
    }
}
