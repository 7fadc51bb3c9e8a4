using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Mpi.Tests;

/// <summary>
/// <c>hypergen train --distributed mpi</c> under <c>mpirun --oversubscribe -np 2</c>, against the same command run as
/// one process: one epoch on the shipped subset (6,000 images, 24 steps). The ranks split every batch, so the run is
/// the one-process run to rounding (the batch's rows are summed in two parts, then the parts). Every job has a deadline.
/// </summary>
[Collection(nameof(MpiTests))]
public sealed class DistributedTrainTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly string Hypergen = Mpirun.BesideTests("hypergen.dll");
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hypergen-mpi-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_ranks_train_what_one_process_trains(bool shardOptimizer)
    {
        string alone = Path.Combine(_folder, "alone");
        string ranks = Path.Combine(_folder, "ranks");
        Mpirun.Job one = Mpirun.RunAlone(Deadline, [Hypergen, .. Train(alone)]);
        Assert.True(one.ExitCode == 0, one.Output);
        string[] distributed = shardOptimizer ? ["--distributed", "mpi", "--shard-optimizer"] : ["--distributed", "mpi"];
        Mpirun.Job two = Mpirun.RunApps(Deadline, [(2, [Hypergen, .. Train(ranks), .. distributed])]);
        Assert.True(two.ExitCode == 0, two.Output);

        // Rank 0 alone prints and writes.
        Assert.Single(Lines(two.Output, "distributed: 2 MPI ranks"));
        Assert.Single(Lines(two.Output, "seconds/epoch"));
        Assert.True(File.Exists(Path.Combine(ranks, "steps.csv")), two.Output);
        Assert.Equal(File.ReadAllLines(Path.Combine(alone, "steps.csv")).Length, File.ReadAllLines(Path.Combine(ranks, "steps.csv")).Length);

        Summary expected = Summary.Read(alone);
        AssertSameRun(expected, Summary.Read(ranks));

        // The tower tuned level 1's step size: the comparison is of a trajectory, not of the initial values.
        Assert.NotEqual(1e-3, expected.Levels[0]["alpha"], 6);
    }

    /// <summary>The same test error to 0.1 point and the same final hyperparameters to 1e-4 relative.</summary>
    private static void AssertSameRun(Summary expected, Summary actual)
    {
        Assert.InRange(Math.Abs(actual.TestErrorPercent - expected.TestErrorPercent), 0, 0.1);
        Assert.Equal(expected.Levels.Select(l => l.Keys.ToArray()), actual.Levels.Select(l => l.Keys.ToArray()));
        for (int level = 0; level < expected.Levels.Count; level++)
        {
            foreach ((string name, double value) in expected.Levels[level])
            {
                double relative = Math.Abs(actual.Levels[level][name] - value) / Math.Max(Math.Abs(value), double.Epsilon);
                Assert.True(relative <= 1e-4, $"level {level + 1} {name}: {actual.Levels[level][name]} on 2 ranks, {value} alone");
            }
        }
    }

    [Fact]
    public void A_sharded_run_s_checkpoint_resumes_on_every_rank_bit_for_bit_and_on_another_rank_count()
    {
        string[] sharded = ["--distributed", "mpi", "--shard-optimizer"];
        string whole = Path.Combine(_folder, "whole");
        string resumed = Path.Combine(_folder, "resumed");
        string elsewhere = Path.Combine(_folder, "elsewhere");
        Mpirun.Job uninterrupted = Mpirun.RunApps(Deadline, [(2, [Hypergen, .. Train(whole, epochs: 2), .. sharded, "--checkpoint", whole])]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Output);

        // One epoch, then a second one in a new job: rank 0 wrote the checkpoint, every rank reads it.
        Mpirun.Job first = Mpirun.RunApps(Deadline, [(2, [Hypergen, .. Train(resumed, epochs: 1), .. sharded, "--checkpoint", resumed])]);
        Assert.True(first.ExitCode == 0, first.Output);
        Directory.CreateDirectory(elsewhere);
        File.Copy(Path.Combine(resumed, "checkpoint.hgc"), Path.Combine(elsewhere, "checkpoint.hgc"));
        File.Copy(Path.Combine(resumed, "history.hgc"), Path.Combine(elsewhere, "history.hgc"));
        Mpirun.Job second = Mpirun.RunApps(Deadline, [(2, [Hypergen, .. Train(resumed, epochs: 2), .. sharded, "--checkpoint", resumed, "--resume"])]);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Single(Lines(second.Output, "resumed: "));

        // The shards are block-aligned (TowerSharding.Balanced), so the resumed run is the uninterrupted one, bit for bit.
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "checkpoint.hgc")), File.ReadAllBytes(Path.Combine(resumed, "checkpoint.hgc")));
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "steps.csv")), File.ReadAllLines(Path.Combine(resumed, "steps.csv")));

        // On one rank, each batch is one part: the same run to rounding.
        Mpirun.Job oneRank = Mpirun.RunApps(Deadline, [(1, [Hypergen, .. Train(elsewhere, epochs: 2), .. sharded, "--checkpoint", elsewhere, "--resume"])]);
        Assert.True(oneRank.ExitCode == 0, oneRank.Output);
        Assert.Contains("at step 24, 1 epochs complete", oneRank.Output, StringComparison.Ordinal);
        Assert.Equal(2 * 24 + 1, File.ReadAllLines(Path.Combine(elsewhere, "steps.csv")).Length);
        AssertSameRun(Summary.Read(whole), Summary.Read(elsewhere));
    }

    [Fact]
    public void Ranks_started_with_different_seeds_stop_at_start_up_with_one_line()
    {
        string output = Path.Combine(_folder, "out");
        Mpirun.Job job = Mpirun.RunApps(Deadline, [
            (1, [Hypergen, "train", "--distributed", "mpi", "--data", Subset, "--out", output, "--seed", "1"]),
            (1, [Hypergen, "train", "--distributed", "mpi", "--data", Subset, "--out", output, "--seed", "2"]),
        ]);

        Assert.NotEqual(0, job.ExitCode);
        string line = Assert.Single(Lines(job.Output, "hypergen: error:"));
        Assert.Contains("--distributed mpi: The ranks were started with different seeds: rank 1 differs from rank 0 (rank 0 has 1).", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), job.Output);
    }

    [Fact]
    public void Distributed_without_mpirun_is_a_clear_error()
    {
        Mpirun.Job job = Mpirun.RunAlone(Deadline, [Hypergen, .. Train(Path.Combine(_folder, "out")), "--distributed", "mpi"]);
        Assert.Equal(2, job.ExitCode);
        Assert.Contains("hypergen: error: --distributed mpi: this process was not started by mpirun", job.Output, StringComparison.Ordinal);
    }

    private static string[] Train(string output, int epochs = 1) =>
        ["train", "--tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "3", "--device", "cpu", "--data", Subset, "--out", output];

    private static string[] Lines(string output, string containing) =>
        output.Split('\n').Where(line => line.Contains(containing, StringComparison.Ordinal)).ToArray();

    /// <summary>What summary.json says of the run.</summary>
    private sealed record Summary(double TestErrorPercent, IReadOnlyList<Dictionary<string, double>> Levels)
    {
        public static Summary Read(string folder)
        {
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            JsonElement root = summary.RootElement;
            var levels = root.GetProperty("levels").EnumerateArray()
                .Select(level => level.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()))
                .ToList();
            return new Summary(root.GetProperty("test_error_pct").GetDouble(), levels);
        }
    }
}
