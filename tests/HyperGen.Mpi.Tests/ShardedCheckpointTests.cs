using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HyperGen.Checkpoints;
using Xunit;

namespace HyperGen.Mpi.Tests;

/// <summary>
/// Checkpoints of sharded towers, with ranks as threads: every rank gathers its shard of level 1 into one file that
/// rank 0 writes, the file equals the one-process tower's byte for byte, and it resumes on 1, 2 or 3 ranks (or one
/// process) bit for bit against an uninterrupted run, the shards being block-aligned.
/// </summary>
public sealed class ShardedCheckpointTests : IDisposable
{
    /// <summary>Adam recomputes level 1's partials (it keeps the previous state and gradients), SGD stores them.</summary>
    public static TheoryData<string> Specs => new()
    {
        "adam(alpha=0.01)/sgd(alpha=1e-9)",
        "sgd(alpha=0.01, mu=0.9)/sgd(alpha=1e-9)",
        "adam(alpha=0.01)/sgd(alpha=1e-9)/sgd(alpha=1e-20)",
    };

    private const int Steps = 10;
    private const int SavedAt = 6;
    private static readonly int[] Tensors = [40000, 7, 30000];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hypergen-sharded-checkpoint-" + Guid.NewGuid().ToString("N"));

    public ShardedCheckpointTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Specs))]
    public void Two_ranks_write_one_file_that_resumes_on_any_number_of_ranks_bit_for_bit(string text)
    {
        TowerSpec spec = TowerSpec.Parse(text);

        // The uninterrupted one-process run, and its checkpoint at the step the ranks save.
        var single = new Tower<double>(spec, Tensors);
        double[] singleWeights = InitialWeights();
        byte[]? singleFile = null;
        for (int step = 0; step < Steps; step++)
        {
            if (step == SavedAt)
            {
                var writer = new CheckpointWriter();
                TowerCheckpoint.Write(writer, single, singleWeights);
                singleFile = writer.ToArray();
            }

            Step(single, singleWeights, step);
        }

        // Two ranks train to the checkpoint; every rank builds it (the gather), rank 0 alone writes it.
        string path = Path.Combine(_folder, "tower.hgc");
        byte[][] built = ThreadRanks.Run(2, communicator =>
        {
            var tower = new Tower<double>(spec, Tensors, communicator);
            double[] weights = InitialWeights();
            for (int step = 0; step < SavedAt; step++)
            {
                Step(tower, weights, step);
            }

            var writer = new CheckpointWriter();
            TowerCheckpoint.Write(writer, tower, weights);
            if (communicator.Rank == 0)
            {
                writer.Save(path);
            }

            return writer.ToArray();
        });

        Assert.Equal(singleFile, File.ReadAllBytes(path));
        Assert.Equal(built[0], built[1]);

        // One process resumes it, and 1, 2 and 3 ranks do: each ends where the uninterrupted run ended.
        Assert.Equal(Final(single, singleWeights), Resume(spec, path, new Tower<double>(spec, Tensors)));
        foreach (int ranks in new[] { 1, 2, 3 })
        {
            Assert.True(TowerSharding.Balanced(Tensors, ranks).IsBlockAligned);
            string[] finals = ThreadRanks.Run(ranks, communicator => Resume(spec, path, new Tower<double>(spec, Tensors, communicator)));
            Assert.All(finals, final => Assert.Equal(Final(single, singleWeights), final));
        }
    }

    [Fact]
    public void A_sharded_tower_refuses_a_checkpoint_of_other_tensors_before_changing_anything()
    {
        string path = Path.Combine(_folder, "other.hgc");
        TowerSpec spec = TowerSpec.Parse("adam(alpha=0.01)/sgd(alpha=1e-9)");
        var other = new Tower<double>(spec, [40000, 30007]);
        TowerCheckpoint.Save(path, other, new double[70007]);

        string[] messages = ThreadRanks.Run(2, communicator =>
        {
            var tower = new Tower<double>(spec, Tensors, communicator);
            double[] weights = InitialWeights();
            Step(tower, weights, 0);
            string before = Final(tower, weights);
            var error = Assert.Throws<CheckpointException>(() => TowerCheckpoint.Load(path, tower, weights));
            Assert.Equal(before, Final(tower, weights));
            return error.Message;
        });

        Assert.All(messages, m => Assert.Contains("tensors of sizes [40000, 30007], not [40000, 7, 30000]", m, StringComparison.Ordinal));
    }

    /// <summary>Loads the checkpoint into <paramref name="tower"/> and takes the steps after it.</summary>
    private static string Resume(TowerSpec spec, string path, Tower<double> tower)
    {
        Assert.Equal(spec.ToString(), tower.Spec.ToString());
        double[] weights = new double[Tensors.Sum()];
        TowerCheckpoint.Load(path, tower, weights);
        Assert.Equal(SavedAt, tower.StepCount);
        for (int step = SavedAt; step < Steps; step++)
        {
            Step(tower, weights, step);
        }

        return Final(tower, weights);
    }

    /// <summary>One step over the three tensors of the flat weights; a sharded tower's shards are then gathered.</summary>
    private static void Step(Tower<double> tower, double[] weights, int step)
    {
        double[] gradients = new double[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            gradients[i] = (0.1 * weights[i]) + Math.Sin((i * 0.37) + step);
        }

        var w = new Memory<double>[Tensors.Length];
        var g = new ReadOnlyMemory<double>[Tensors.Length];
        int offset = 0;
        for (int t = 0; t < Tensors.Length; t++)
        {
            w[t] = weights.AsMemory(offset, Tensors[t]);
            g[t] = gradients.AsMemory(offset, Tensors[t]);
            offset += Tensors[t];
        }

        tower.Step(w, g);
        tower.GatherWeights(w);
    }

    private static double[] InitialWeights() => Enumerable.Range(0, Tensors.Sum()).Select(i => Math.Cos(i * 0.11)).ToArray();

    /// <summary>The weights' and every level's hyperparameters' bits, as text that compares exactly.</summary>
    private static string Final(Tower<double> tower, double[] weights)
    {
        IEnumerable<long> bits = weights.Select(BitConverter.DoubleToInt64Bits)
            .Concat(tower.Levels.SelectMany(level => level.GetValues()).Select(pair => BitConverter.DoubleToInt64Bits(pair.Value)));
        return $"{tower.StepCount}: {string.Join(",", bits)}".GetHashCode(StringComparison.Ordinal) + $" over {weights.Length} weights, " +
            string.Join(" ", tower.Levels.SelectMany(level => level.GetValues()).Select(pair => $"{pair.Key}={pair.Value:R}"));
    }
}
