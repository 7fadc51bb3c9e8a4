using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using HyperGen.Cli;
using HyperGen.Cli.Commands.Train;
using HyperGen.Cli.Definitions;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary><c>train --baseline plain|cosine</c>: the untuned level-1 optimizer, and a cosine decay of its step size, from the tower's start.</summary>
public sealed class TrainBaselineTests : IDisposable
{
    private const string Tower = "adam(alpha=1e-3)/sgd(alpha=1e-5)";
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void The_plain_baseline_is_the_run_of_the_bottom_optimizer_alone_from_the_same_seed()
    {
        string compared = _files.Missing("compared");
        string alone = _files.Missing("alone");
        string towerAlone = _files.Missing("tower");
        CliResult result = Train(compared, Tower, "--baseline", "plain");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(0, Train(alone, "adam(alpha=1e-3)").ExitCode);
        Assert.Equal(0, Train(towerAlone, Tower).ExitCode);

        using JsonDocument log = Json(compared, "log.json");
        using JsonDocument aloneLog = Json(alone, "log.json");
        JsonElement baseline = Assert.Single(log.RootElement.GetProperty("baselines").EnumerateArray());
        Assert.Equal("plain", baseline.GetProperty("name").GetString());
        Assert.Equal("adam(alpha=0.001, beta1=0.9, beta2=0.999)", baseline.GetProperty("tower").GetString());
        Assert.Equal(Numbers(aloneLog.RootElement.GetProperty("steps"), "loss"), Numbers(baseline.GetProperty("steps"), "loss"));
        Assert.Equal(
            Numbers(aloneLog.RootElement.GetProperty("epochs"), "test_error_pct"),
            Numbers(baseline.GetProperty("epochs"), "test_error_pct"));

        using JsonDocument summary = Json(compared, "summary.json");
        using JsonDocument aloneSummary = Json(alone, "summary.json");
        JsonElement baselineSummary = summary.RootElement.GetProperty("baselines")[0];
        Assert.Equal(aloneSummary.RootElement.GetProperty("test_error_pct").GetDouble(), baselineSummary.GetProperty("test_error_pct").GetDouble());
        Assert.True(JsonElement.DeepEquals(aloneSummary.RootElement.GetProperty("levels"), baselineSummary.GetProperty("levels")));

        // The tower itself trained as it does without a baseline.
        Assert.Equal(File.ReadAllLines(Path.Combine(towerAlone, "steps.csv")), File.ReadAllLines(Path.Combine(compared, "steps.csv")));
        using JsonDocument towerSummary = Json(towerAlone, "summary.json");
        Assert.Equal(towerSummary.RootElement.GetProperty("test_error_pct").GetDouble(), summary.RootElement.GetProperty("test_error_pct").GetDouble());
        Assert.False(towerSummary.RootElement.TryGetProperty("baselines", out _));

        // Side by side in the console summary.
        Assert.Contains("against the baselines", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(result.OutputLines, l => l.StartsWith("│ tower ", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("│ plain ", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("plain: epoch 1/1 ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cosine_baseline_decays_the_initial_step_size_from_the_same_start()
    {
        string output = _files.Missing("out");
        CliResult result = Train(output, Tower, "--baseline", "cosine", "--baseline", "plain");
        Assert.True(result.ExitCode == 0, result.Stderr);

        using JsonDocument log = Json(output, "log.json");
        JsonElement[] baselines = [.. log.RootElement.GetProperty("baselines").EnumerateArray()];
        Assert.Equal(["plain", "cosine"], baselines.Select(b => b.GetProperty("name").GetString()));
        double[] alpha = Numbers(baselines[1].GetProperty("steps"), "level1.alpha");
        Assert.Equal(24, alpha.Length); // one epoch of the subset
        for (int t = 1; t <= alpha.Length; t++)
        {
            float expected = (float)(1e-3 * (1 + Math.Cos(Math.PI * (t - 1) / 24)) / 2);
            Assert.Equal(expected, (float)alpha[t - 1]);
        }

        Assert.Equal(1e-3f, (float)alpha[0]);
        Assert.Equal(5e-4f, (float)alpha[12]);
        Assert.InRange(alpha[^1], 1e-7, 1e-5);

        // The same initial weights and batches: the first two losses (before the step sizes part) agree with plain's.
        double[] plain = Numbers(baselines[0].GetProperty("steps"), "loss");
        double[] cosine = Numbers(baselines[1].GetProperty("steps"), "loss");
        Assert.Equal(plain[..2], cosine[..2]);
        Assert.NotEqual(plain[3], cosine[3]);

        using JsonDocument summary = Json(output, "summary.json");
        JsonElement cosineSummary = summary.RootElement.GetProperty("baselines")[1];
        Assert.Equal("alpha decayed from 0.001 towards 0 along a half cosine over 24 steps", cosineSummary.GetProperty("schedule").GetString());
        Assert.Equal((float)alpha[^1], (float)cosineSummary.GetProperty("levels")[0].GetProperty("alpha").GetDouble());
        Assert.Contains("baseline cosine: adam(alpha=0.001, beta1=0.9, beta2=0.999), alpha decayed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_names_no_baseline_is_one_error_line_before_any_training()
    {
        CliResult result = CliResult.Run("train", "--data", Subset, "--out", _files.Missing("out"), "--baseline", "plain,linear");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("hypergen: error: --baseline: 'linear' is not a baseline (plain, cosine)", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void A_cosine_baseline_without_a_step_size_is_one_error_line_before_any_training()
    {
        string definitions = _files.Write("valid.cs", DefinitionFiles.Valid);
        string output = _files.Missing("out");

        CliResult result = CliResult.Run(
            "train", "--tower", "squaredrate/sgd", "--definitions", definitions, "--data", Subset, "--out", output, "--baseline", "cosine");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(
            "hypergen: error: --baseline cosine: squaredrate has no step size to decay (a hyperparameter named alpha, lr, learning_rate, step_size or eta; it has: rate, decay)",
            Assert.Single(result.ErrorLines));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Baseline_values_are_read_from_words_lists_and_repeats_each_once_plain_first()
    {
        Assert.Equal([BaselineKind.Plain, BaselineKind.Cosine], BaselineOption.Parse(["cosine,plain"]));
        Assert.Equal([BaselineKind.Plain, BaselineKind.Cosine], BaselineOption.Parse(["Cosine", "plain", "cosine"]));
        Assert.Equal([BaselineKind.Cosine], BaselineOption.Parse(["cosine"]));
        Assert.Empty(BaselineOption.Parse([]));
        Assert.Throws<CliInputException>(() => BaselineOption.Parse(["plain,cos"]));
    }

    [Fact]
    public void The_cosine_schedule_starts_at_the_initial_value_halves_midway_and_ends_near_zero()
    {
        CosineSchedule schedule = CosineSchedule.For(TowerSpec.Parse("sgd(alpha=0.1)").Levels[0], totalSteps: 10);

        Assert.Equal(0, schedule.Index);
        Assert.Equal(0.1, schedule.StepSize(1));
        Assert.Equal(0.05, schedule.StepSize(6), 15);
        Assert.Equal(0.1 * (1 - Math.Cos(Math.PI / 10)) / 2, schedule.StepSize(10), 15);
        Assert.Equal(schedule.StepSize(10), schedule.StepSize(11)); // past the end: the last step's value
        Assert.True(Enumerable.Range(1, 9).All(t => schedule.StepSize(t + 1) < schedule.StepSize(t)));
    }

    [Fact]
    public void The_step_size_is_found_by_its_usual_names()
    {
        string definitions = """
            using System;
            using HyperGen;

            public static partial class Momentum
            {
                [HyperOptimize]
                public static void Step(ref float w, float g, ref float buf,
                    [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float mu, [Hyper(0.05)] float learning_rate)
                {
                    buf = mu * buf + g;
                    w -= learning_rate * buf;
                }
            }
            """;
        using DefinitionCompilation compiled = DefinitionCompiler.Compile([new DefinitionSource("Momentum.cs", definitions)]);
        Assert.False(compiled.HasErrors, string.Join('\n', compiled.FormatDiagnostics()));
        TowerSpec spec = TowerSpec.Parse("momentum(learning_rate=0.02)", compiled.CreateCatalog());

        CosineSchedule schedule = CosineSchedule.For(spec.Levels[0], totalSteps: 4);
        Assert.Equal(1, schedule.Index);
        Assert.Equal("learning_rate", schedule.Name);
        Assert.Equal(0.02, schedule.StepSize(1), 15);

        Assert.Equal(0, CosineSchedule.For(TowerSpec.Parse("adagrad(alpha=0.1)").Levels[0], 4).Index);
    }

    private static CliResult Train(string output, string tower, params string[] more) => CliResult.Run(
        ["train", "--tower", tower, "--epochs", "1", "--seed", "3", "--data", Subset, "--out", output, .. more]);

    private static JsonDocument Json(string folder, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));

    private static double[] Numbers(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Select(e => e.GetProperty(name).GetDouble()).ToArray()
            : element.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
