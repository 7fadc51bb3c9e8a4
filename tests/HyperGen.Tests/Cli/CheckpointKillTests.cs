using System;
using System.Diagnostics;
using System.IO;
using HyperGen.Checkpoints;
using HyperGen.Cli.Commands.Train;
using HyperGen.Cli.Commands.Train.Checkpoints;
using HyperGen.Training;
using HyperGen.Training.Data;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// Kills <c>hypergen train</c> (a separate process, SIGKILL) at random moments, several times, and checks after each
/// kill that the last checkpoint loads; the run resumed to the end must then reach exactly the final state of a run
/// that was never interrupted (the final checkpoints are equal byte for byte: weights, tower and trainer), and write
/// the same step log and JSON files.
/// </summary>
public sealed class CheckpointKillTests : IDisposable
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private static readonly string Hypergen = Path.Combine(AppContext.BaseDirectory, "hypergen.dll");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hypergen-kill-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void A_run_killed_at_random_moments_resumes_to_the_uninterrupted_final_state()
    {
        const string Tower = "adam(alpha=1e-3, alpha in [0, 0.004])/sgd(alpha=1e-5)";
        string[] RunArgs(string folder, bool resume) =>
        [
            "train", "--tower", Tower, "--epochs", "3", "--seed", "4", "--data", Subset, "--out", folder,
            "--checkpoint", folder, "--checkpoint-every", "2", .. resume ? new[] { "--resume" } : [],
        ];

        string reference = Path.Combine(_root, "reference");
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, RunToEnd(RunArgs(reference, resume: false)));
        int fullRunMilliseconds = (int)clock.ElapsedMilliseconds;
        byte[] expected = File.ReadAllBytes(Path.Combine(reference, TrainingCheckpointFile.FileName));

        string killed = Path.Combine(_root, "killed");
        string checkpoint = Path.Combine(killed, TrainingCheckpointFile.FileName);
        int seed = Environment.TickCount;
        var random = new Random(seed);
        int kills = 0;
        for (int attempt = 0; attempt < 10 && kills < 4; attempt++)
        {
            // Up to half a full run, start-up included: most attempts die somewhere in training or while saving,
            // some before the first checkpoint, and the run still creeps forward from one attempt to the next.
            bool resume = File.Exists(checkpoint);
            using Process process = Start(RunArgs(killed, resume));
            int delay = random.Next((fullRunMilliseconds / 2) + 1);
            if (!process.WaitForExit(delay))
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Unix: no handler, no flush, no cleanup
                process.WaitForExit();
                kills++;
            }

            if (File.Exists(checkpoint))
            {
                AssertLoads(checkpoint, Tower, $"after attempt {attempt} (delay {delay} ms, seed {seed})");
            }
        }

        Assert.Equal(0, RunToEnd(RunArgs(killed, resume: File.Exists(checkpoint))));
        Assert.True(kills > 0, $"no run was killed (seed {seed}); the test proved nothing");
        Assert.True(
            expected.AsSpan().SequenceEqual(File.ReadAllBytes(checkpoint)),
            $"the resumed run's final state differs from the uninterrupted run's ({kills} kills, seed {seed})");

        // The files cover the whole run, each step once, as the uninterrupted run's do (timings aside).
        Assert.Equal(File.ReadAllLines(Path.Combine(reference, "steps.csv")), File.ReadAllLines(Path.Combine(killed, "steps.csv")));
        foreach (string file in new[] { "log.json", "summary.json" })
        {
            Assert.Equal(RunFiles.JsonWithoutTimings(Path.Combine(reference, file)), RunFiles.JsonWithoutTimings(Path.Combine(killed, file)));
        }
    }

    private static void AssertLoads(string path, string tower, string when)
    {
        using var trainer = new Trainer(FashionMnist.Load(Subset), new TrainingOptions { Epochs = 3, ThreadCount = 1 });
        var restored = new Tower<float>(TowerSpec.Parse(tower), trainer.Model.Parameters.Length);
        try
        {
            TrainingCheckpointFile.Load(path, trainer, restored);
        }
        catch (CheckpointException e)
        {
            Assert.Fail($"The last checkpoint does not load {when}: {e.Message}");
        }
    }

    private static int RunToEnd(string[] args)
    {
        using Process process = Start(args);
        Assert.True(process.WaitForExit(60_000), "hypergen train did not finish within a minute");
        return process.ExitCode;
    }

    private static Process Start(string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Hypergen);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");

        // Drain both pipes so a chatty run never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
