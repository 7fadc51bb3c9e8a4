using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
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

    [Fact]
    public void A_resumed_run_writes_the_files_of_the_whole_run()
    {
        string[] Train(string folder, int epochs, params string[] more) =>
        [
            "train", "--tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)", "--data", Subset, "--seed", "5", "--out", folder,
            "--epochs", epochs.ToString(CultureInfo.InvariantCulture), .. more,
        ];
        string once = _files.Missing("once");
        string resumed = _files.Missing("resumed");
        Assert.Equal(0, CliResult.Run(Train(once, 2)).ExitCode);
        Assert.Equal(0, CliResult.Run(Train(resumed, 1, "--checkpoint", resumed)).ExitCode);
        CliResult second = CliResult.Run(Train(resumed, 2, "--checkpoint", resumed, "--resume"));

        Assert.Equal(0, second.ExitCode);
        Assert.Equal("", second.Stderr);
        Assert.True(File.Exists(Path.Combine(resumed, "history.hgc")));
        Assert.Equal(RunFiles.JsonWithoutTimings(Path.Combine(once, "summary.json")), RunFiles.JsonWithoutTimings(Path.Combine(resumed, "summary.json")));
        Assert.Equal(RunFiles.JsonWithoutTimings(Path.Combine(once, "log.json")), RunFiles.JsonWithoutTimings(Path.Combine(resumed, "log.json")));
        Assert.Equal(File.ReadAllLines(Path.Combine(once, "steps.csv")), File.ReadAllLines(Path.Combine(resumed, "steps.csv")));

        // The plot draws the same steps and epochs: the same pixels.
        Assert.Equal(File.ReadAllBytes(Path.Combine(once, "plot.png")), File.ReadAllBytes(Path.Combine(resumed, "plot.png")));

        // The console summary's epoch table has both epochs too.
        Assert.Contains(second.OutputLines, l => l.StartsWith("│     1 │", StringComparison.Ordinal));
        Assert.Contains(second.OutputLines, l => l.StartsWith("│     2 │", StringComparison.Ordinal));
    }

    [Fact]
    public void Temporary_files_of_a_run_killed_while_saving_are_removed_by_the_next_run()
    {
        string folder = _files.Missing("run");
        Directory.CreateDirectory(folder);
        string[] abandoned =
        [
            Path.Combine(folder, ".checkpoint.hgc.4242.0123456789abcdef0123456789abcdef.tmp"),
            Path.Combine(folder, ".history.hgc.4242.0123456789abcdef0123456789abcdef.tmp"),
        ];
        foreach (string file in abandoned)
        {
            File.WriteAllText(file, "half a file");
        }

        CliResult result = CliResult.Run("train", "--data", Subset, "--out", folder, "--checkpoint", folder);

        Assert.Equal(0, result.ExitCode);
        Assert.All(abandoned, file => Assert.False(File.Exists(file), $"{file} is still there"));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void A_checkpoint_without_its_history_resumes_with_a_warning_and_continues_the_step_log()
    {
        string folder = _files.Missing("run");
        string[] Train(int epochs, params string[] more) =>
        [
            "train", "--data", Subset, "--seed", "5", "--out", folder, "--checkpoint", folder,
            "--epochs", epochs.ToString(CultureInfo.InvariantCulture), .. more,
        ];
        Assert.Equal(0, CliResult.Run(Train(1)).ExitCode);
        File.Delete(Path.Combine(folder, "history.hgc"));

        CliResult second = CliResult.Run(Train(2, "--resume"));

        Assert.Equal(0, second.ExitCode);
        string warning = Assert.Single(second.ErrorLines);
        Assert.StartsWith("hypergen: warning: the run's history was not restored (there is no history.hgc beside the checkpoint)", warning, StringComparison.Ordinal);
        Assert.Equal(1 + 48, File.ReadAllLines(Path.Combine(folder, "steps.csv")).Length);
        using JsonDocument log = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "log.json")));
        Assert.Equal(1, log.RootElement.GetProperty("epochs").GetArrayLength()); // this invocation's epoch only
    }
}
