using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly string _out = Path.Combine(Path.GetTempPath(), "hypergen-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public void A_diverging_run_exits_with_the_diverged_code_and_says_it_stopped()
    {
        // A hyper-step size of 1e30 sends level 1's step size to -2e30 within a few steps, and the loss to NaN.
        CliResult result = CliResult.Run(
            "train", "--tower", "adam(alpha=0.1)/sgd(alpha=1e30)", "--epochs", "1", "--seed", "3", "--data", Subset, "--out", _out);

        Assert.Equal(HyperGen.Cli.ExitCodes.Diverged, result.ExitCode);
        Assert.Contains("stopped", result.Stdout, StringComparison.Ordinal);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("diverged").GetBoolean());
    }

    [Fact]
    public void Trains_on_the_shipped_subset_and_writes_the_summary_and_step_log()
    {
        CliResult result = CliResult.Run(
            "train", "--tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)", "--epochs", "1", "--seed", "3", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("subset", result.Stdout, StringComparison.OrdinalIgnoreCase);

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "summary.json")));
        double error = summary.RootElement.GetProperty("test_error_pct").GetDouble();
        Assert.InRange(error, 0, 60); // ten classes: chance is 90 %, one epoch on the subset learns far better
        Assert.Equal(1, summary.RootElement.GetProperty("epochs").GetInt32());
        JsonElement levels = summary.RootElement.GetProperty("levels");
        Assert.Equal(2, levels.GetArrayLength());
        Assert.NotEqual(1e-3, levels[0].GetProperty("alpha").GetDouble(), 6); // the tower tuned Adam's step size
        Assert.Equal(1e-5, levels[1].GetProperty("alpha").GetDouble(), 9);

        string[] steps = File.ReadAllLines(Path.Combine(_out, "steps.csv"));
        Assert.Equal("step,epoch,loss,level1.alpha,level1.beta1,level1.beta2,level2.alpha,level2.mu", steps[0]);
        Assert.Equal(24 + 1, steps.Length); // 6,000 subset images in batches of 256: 24 steps, plus the header
        string[] last = steps[^1].Split(',');
        Assert.Equal(8, last.Length);
        Assert.Equal("24", last[0]);
        Assert.Equal((float)levels[0].GetProperty("alpha").GetDouble(), float.Parse(last[3], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_step_log_prints_each_float_in_its_shortest_round_trip_form()
    {
        CliResult result = CliResult.Run(
            "train", "--tower", "adam(alpha=1e-3)/sgd(alpha=1e-5)", "--epochs", "1", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        string[] rows = File.ReadAllLines(Path.Combine(_out, "steps.csv"))[1..];
        string[] first = rows[0].Split(',');
        Assert.Equal("1E-05", first[6]); // level2.alpha, never moves; through double it read 9.999999747378752E-06
        Assert.Equal("0", first[7]); // level2.mu
        foreach (string row in rows)
        {
            foreach (string cell in row.Split(',')[2..])
            {
                float value = float.Parse(cell, CultureInfo.InvariantCulture);
                Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), cell);
            }
        }
    }

    [Fact]
    public void The_json_log_holds_every_step_and_epoch_and_the_plot_is_a_png()
    {
        CliResult result = CliResult.Run(
            "train", "--tower", "sgd(alpha=0.05)/sgd(alpha=1e-3)", "--epochs", "2", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument log = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "log.json")));
        JsonElement epochs = log.RootElement.GetProperty("epochs");
        Assert.Equal(2, epochs.GetArrayLength());
        Assert.Equal(24, epochs[1].GetProperty("steps").GetInt32());
        JsonElement steps = log.RootElement.GetProperty("steps");
        Assert.Equal(48, steps.GetProperty("step").GetArrayLength());
        Assert.Equal(48, steps.GetProperty("loss").GetArrayLength());
        Assert.Equal(48, steps.GetProperty("level1.alpha").GetArrayLength());
        Assert.Equal(48, steps.GetProperty("level2.mu").GetArrayLength());
        Assert.Equal(0.05, steps.GetProperty("level1.alpha")[0].GetDouble(), 6); // the first step's hypergradient is 0

        byte[] png = File.ReadAllBytes(Path.Combine(_out, "plot.png"));
        Assert.True(png.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
    }

    [Fact]
    public void Redirected_output_has_one_plain_line_per_epoch_and_a_summary_without_escape_codes()
    {
        CliResult result = CliResult.Run("train", "--epochs", "2", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Stdout);
        Assert.Single(result.OutputLines, l => l.StartsWith("epoch 1/2 ", StringComparison.Ordinal) && l.Contains("steps/s", StringComparison.Ordinal) && l.Contains("alpha=", StringComparison.Ordinal));
        Assert.Single(result.OutputLines, l => l.StartsWith("epoch 2/2 ", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("test error ", StringComparison.Ordinal));
        Assert.Contains("hyperparameters", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tower", "adam(alpha=)", "--tower: Tower spec")]
    [InlineData("--device", "gpu", "--device gpu")]
    [InlineData("--epochs", "0", "--epochs: must be at least 1")]
    [InlineData("--data", "/nonexistent/fashion", "--data:")]
    public void Bad_input_is_one_error_line_and_exit_code_2(string option, string value, string message)
    {
        string[] args = option == "--data"
            ? ["train", "--out", _out, option, value]
            : ["train", "--data", Subset, "--out", _out, option, value];
        CliResult result = CliResult.Run(args);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_folder_that_cannot_be_created_is_reported()
    {
        string blocker = _out + ".file";
        File.WriteAllText(blocker, "not a folder");
        try
        {
            CliResult result = CliResult.Run("train", "--data", Subset, "--out", Path.Combine(blocker, "inside"));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("--out: cannot create", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public void Bounds_in_the_tower_spec_hold_and_their_hits_are_reported()
    {
        CliResult result = CliResult.Run(
            "train", "--tower", "adam(alpha=1e-3, alpha in [0, 0.002])/sgd(alpha=1e-5)", "--epochs", "1", "--seed", "3", "--data", Subset, "--out", _out);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "summary.json")));
        Assert.Equal(0.002, summary.RootElement.GetProperty("levels")[0].GetProperty("alpha").GetDouble(), 9);
        Assert.Contains("(held at a bound: alpha ", result.Stdout, StringComparison.Ordinal);
    }
}
