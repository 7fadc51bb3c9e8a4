using System;
using System.IO;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary><c>hypergen train --checkpoint DIR --resume</c> in-process: finishing, extending and reporting a run.</summary>
public sealed class TrainCheckpointTests : IDisposable
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_finished_run_extended_with_more_epochs_ends_where_a_longer_run_ends()
    {
        string[] Train(string folder, int epochs, bool resume) =>
        [
            "train", "--tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)", "--data", Subset, "--seed", "7", "--out", folder,
            "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint", folder,
            "--checkpoint-every", "5", .. resume ? new[] { "--resume" } : [],
        ];
        string longer = _files.Missing("longer");
        string extended = _files.Missing("extended");
        Assert.Equal(0, CliResult.Run(Train(longer, 2, resume: false)).ExitCode);
        Assert.Equal(0, CliResult.Run(Train(extended, 1, resume: false)).ExitCode);

        CliResult again = CliResult.Run(Train(extended, 1, resume: true));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing to do: the checkpoint's run already completed 1 epochs", again.Stdout, StringComparison.Ordinal);

        CliResult more = CliResult.Run(Train(extended, 2, resume: true));
        Assert.Equal(0, more.ExitCode);
        Assert.Contains("resumed: ", more.Stdout, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2", more.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch 1/2", more.Stdout, StringComparison.Ordinal);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(longer, "checkpoint.hgc")),
            File.ReadAllBytes(Path.Combine(extended, "checkpoint.hgc")));

        // The resumed run continued the step log: one header, then every step of both epochs.
        string[] log = File.ReadAllLines(Path.Combine(extended, "steps.csv"));
        Assert.Equal(File.ReadAllLines(Path.Combine(longer, "steps.csv")), log);
    }
}
