using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using HyperGen.Training;
using HyperGen.Training.Data;

namespace HyperGen.Cli.Commands.Train.Distributed;

/// <summary>
/// What every rank of a <c>train --distributed mpi</c> run must agree on, as canonical text per entry for
/// <see cref="TrainingRanks.EnsureSameConfiguration"/>. Ranks that differ in any would train different models, or
/// leave collectives unmatched, so the run stops at start-up instead.
/// </summary>
internal static class RunAgreement
{
    /// <summary>The entries, in the order they are compared; the data by content, not only by place.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Describe(
        TrainCommand.TrainSettings settings, TowerSpec spec, FashionMnistDataset data, TrainingRanks ranks)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        CheckpointText checkpoint = settings.Checkpoints is { } c
            ? new CheckpointText(Path.GetFullPath(c.Path), c.Every, c.Resume)
            : new CheckpointText("none", 0, false);
        return
        [
            new("tower", spec.ToString()),
            new("definition", string.Join(", ", settings.Definitions.Select(file => $"{Path.GetFileName(file)} sha256 {FileHash(file)}"))),
            new("seed", settings.Seed.ToString(invariant)),
            new("epoch count", settings.Epochs.ToString(invariant)),
            new("batch size", new TrainingOptions().BatchSize.ToString(invariant)),
            new("data", $"{data.Train.Count} training and {data.Test.Count} test images, sha256 {DataHash(data)}"),
            new("baseline", string.Join(", ", settings.Baselines)),
            new("optimizer sharding", ranks.ShardOptimizer ? "--shard-optimizer" : "replicated"),
            new("checkpoint", checkpoint.ToString()),
        ];
    }

    private static string FileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..16];

    /// <summary>The images and labels of both sets: ranks reading different copies of the data must not train together.</summary>
    private static string DataHash(FashionMnistDataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (LabeledImages set in new[] { data.Train, data.Test })
        {
            hash.AppendData(set.Pixels);
            hash.AppendData(set.Labels);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private sealed record CheckpointText(string Path, int Every, bool Resume);
}
