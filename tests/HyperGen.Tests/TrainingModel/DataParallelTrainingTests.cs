using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HyperGen.Training;
using HyperGen.Training.Data;
using HyperGen.Training.Model;
using Xunit;

namespace HyperGen.Tests.TrainingModel;

/// <summary>
/// Data-parallel training without MPI (<see cref="TrainingOptions.DataParallel"/>): ranks are threads of this
/// process joined by an in-memory <see cref="IDataParallelGroup"/>, so the batch split and the rank-order sum are
/// checked here on every run, while tests/HyperGen.Mpi.Tests/DistributedTrainTests.cs checks the same under mpirun.
/// </summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class DataParallelTrainingTests
{
    [Fact]
    public void The_parts_gradients_scaled_by_the_whole_batch_add_up_to_the_whole_batch_s_gradient()
    {
        (float[] inputs, byte[] labels) = RandomBatch(200, seed: 5);
        using var whole = new Mlp(MlpShape.Paper, maxBatchSize: 256, threadCount: 1);
        using var part = new Mlp(MlpShape.Paper, maxBatchSize: 256, threadCount: 1);
        whole.InitializeParameters(5);
        part.InitializeParameters(5);
        float wholeLoss = whole.ComputeGradients(inputs, labels);

        // Three uneven parts, as ranks of three cut a batch of 200 (66, 67, 67 rows).
        int[] cuts = [0, 66, 133, 200];
        var sum = new float[whole.Gradients.Length];
        double lossSum = 0;
        for (int p = 0; p < 3; p++)
        {
            int rows = cuts[p + 1] - cuts[p];
            float[] partInputs = inputs.AsSpan(cuts[p] * MlpShape.Paper.Inputs, rows * MlpShape.Paper.Inputs).ToArray();
            lossSum += part.ComputeGradients(partInputs, labels.AsSpan(cuts[p], rows), meanOver: 200) * rows;
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += part.Gradients[i];
            }
        }

        float largest = whole.Gradients.Max(MathF.Abs);
        Assert.True(largest > 0);
        for (int i = 0; i < sum.Length; i++)
        {
            Assert.True(
                MathF.Abs(sum[i] - whole.Gradients[i]) <= 1e-5f * largest,
                $"gradient {i}: {sum[i]:R} from the parts, {whole.Gradients[i]:R} from the whole batch");
        }

        Assert.Equal(wholeLoss, lossSum / 200, 5);
    }

    [Fact]
    public void A_part_cannot_be_averaged_over_fewer_images_than_it_has()
    {
        (float[] inputs, byte[] labels) = RandomBatch(10, seed: 6);
        using var model = new Mlp(MlpShape.Paper, maxBatchSize: 16, threadCount: 1);
        model.InitializeParameters(6);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(inputs, labels, meanOver: 9));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Ranks_sharing_every_batch_train_the_one_process_model(int rankCount)
    {
        // 700 images: two full batches of 256 and a last one of 188, cut unevenly between 3 ranks.
        FashionMnistDataset data = RandomDataset(train: 700, test: 100, seed: 8);
        float[] alone = TrainWith(data, group: null);

        float[][] ranks = await TrainOnRanks(data, rankCount, batchSize: 256);

        // The sum is in rank order on every rank, so the replicated weights are the same bits everywhere.
        for (int rank = 1; rank < rankCount; rank++)
        {
            Assert.True(ranks[0].AsSpan().SequenceEqual(ranks[rank]), $"rank {rank}'s weights differ from rank 0's");
        }

        // The batches are the one-process batches: the weights differ from one process's only by rounding, far less
        // than the 2 epochs moved them.
        float[] initial = TrainWith(data, group: null, epochs: 0);
        double moved = Distance(alone, initial);
        double apart = Distance(alone, ranks[0]);
        Assert.True(moved > 1e-2, $"training moved the weights by {moved}");
        Assert.True(apart < 1e-4 * moved, $"{rankCount} ranks ended {apart} from one process; training moved the weights {moved}");

        // Not zero: the ranks really summed each batch in parts (a run that ignored the group would match exactly).
        Assert.NotEqual(0.0, apart);
    }

    [Fact]
    public async Task A_batch_smaller_than_the_rank_count_leaves_some_ranks_nothing_and_still_trains_every_image()
    {
        // Batches of 2 images on 3 ranks: rank 0 takes nothing ([0, 0)), ranks 1 and 2 one image each.
        FashionMnistDataset data = RandomDataset(train: 9, test: 4, seed: 9);
        float[] alone = TrainWith(data, group: null, batchSize: 2);
        float[][] ranks = await TrainOnRanks(data, 3, batchSize: 2);

        float[] initial = TrainWith(data, group: null, epochs: 0);
        double moved = Distance(alone, initial);
        Assert.True(moved > 0);
        Assert.True(Distance(alone, ranks[0]) < 1e-4 * moved, $"ranks ended {Distance(alone, ranks[0])} from one process");
        Assert.True(ranks[0].AsSpan().SequenceEqual(ranks[2]));
    }

    /// <summary>Trains on <paramref name="rankCount"/> ranks, each a thread, and returns every rank's final weights.</summary>
    private static async Task<float[][]> TrainOnRanks(FashionMnistDataset data, int rankCount, int batchSize)
    {
        using var group = new ThreadRanks(rankCount);
        Task<float[]>[] ranks = Enumerable.Range(0, rankCount)
            .Select(rank => Task.Factory.StartNew(
                () => TrainWith(data, group.Rank(rank), batchSize: batchSize), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        return await Task.WhenAll(ranks);
    }

    /// <summary>Trains with plain SGD and returns the final weights.</summary>
    private static float[] TrainWith(FashionMnistDataset data, IDataParallelGroup? group, int epochs = 2, int batchSize = 256)
    {
        var options = new TrainingOptions { Epochs = Math.Max(epochs, 1), Seed = 4, ThreadCount = 1, BatchSize = batchSize, DataParallel = group };
        using var trainer = new Trainer(data, options);
        if (epochs > 0)
        {
            trainer.Train(new Sgd(0.1f));
        }

        return trainer.Model.Parameters.ToArray();
    }

    private static double Distance(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    private static FashionMnistDataset RandomDataset(int train, int test, int seed)
    {
        var random = new Random(seed);
        LabeledImages Set(int count)
        {
            byte[] pixels = new byte[count * 28 * 28];
            random.NextBytes(pixels);
            byte[] labels = Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
            return new LabeledImages(pixels, labels, 28, 28, 10);
        }

        return new FashionMnistDataset(Set(train), Set(test), DatasetSource.ExplicitDirectory, "random");
    }

    private static (float[] Inputs, byte[] Labels) RandomBatch(int batch, int seed)
    {
        var random = new Random(seed);
        float[] inputs = Enumerable.Range(0, batch * MlpShape.Paper.Inputs).Select(_ => random.Next(256) / 255f).ToArray();
        byte[] labels = Enumerable.Range(0, batch).Select(_ => (byte)random.Next(MlpShape.Paper.Classes)).ToArray();
        return (inputs, labels);
    }

    private sealed class Sgd(float rate) : IParameterOptimizer
    {
        public bool Step(Span<float> weights, ReadOnlySpan<float> gradients)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] -= rate * gradients[i];
            }

            return true;
        }
    }

    /// <summary>
    /// Ranks as threads: each all-reduce waits for every rank's values, then every rank adds them in rank order, as
    /// MpiWorld.AllReduceSum does (src/HyperGen.Mpi), so every rank gets the same bits.
    /// </summary>
    private sealed class ThreadRanks(int size) : IDisposable
    {
        private readonly float[]?[] _deposits = new float[]?[size];
        private readonly Barrier _barrier = new(size);

        public IDataParallelGroup Rank(int rank) => new Member(this, rank);

        public void Dispose() => _barrier.Dispose();

        /// <summary>Waits for every rank; a rank that never comes fails the test instead of hanging it.</summary>
        private void WaitForAll()
        {
            if (!_barrier.SignalAndWait(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException("A rank did not reach the all-reduce within a minute.");
            }
        }

        private sealed class Member(ThreadRanks ranks, int rank) : IDataParallelGroup
        {
            public int Rank => rank;

            public int Size => ranks._deposits.Length;

            public void AllReduceSum(Span<float> values)
            {
                ranks._deposits[rank] = values.ToArray();
                ranks.WaitForAll();
                for (int i = 0; i < values.Length; i++)
                {
                    float sum = 0;
                    foreach (float[]? deposit in ranks._deposits)
                    {
                        sum += deposit![i];
                    }

                    values[i] = sum;
                }

                ranks.WaitForAll();
            }
        }
    }
}
