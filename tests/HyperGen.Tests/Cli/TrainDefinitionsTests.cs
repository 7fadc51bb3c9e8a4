using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary><c>train --definitions</c>: a user's own optimizer, compiled from a .cs file, trains from the command line.</summary>
public sealed class TrainDefinitionsTests : IDisposable
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");

    /// <summary>Adam with decoupled weight decay, as a user writes it (not a built-in).</summary>
    private const string AdamW = """
        using System;
        using HyperGen;

        public static partial class AdamW
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, ref float m, [State(Init = 1e-8f)] ref float v,
                [Hyper(1e-3)] float alpha,
                [Hyper(0.9, Domain = HyperDomain.UnitInterval)] float beta1,
                [Hyper(0.999, Domain = HyperDomain.UnitInterval)] float beta2,
                [Hyper(1e-4)] float decay,
                [StepIndex] int t)
            {
                m = beta1 * m + (1 - beta1) * g;
                v = beta2 * v + (1 - beta2) * g * g;
                float mhat = m / (1 - MathF.Pow(beta1, t));
                float vhat = v / (1 - MathF.Pow(beta2, t));
                w -= alpha * (mhat / (MathF.Sqrt(vhat) + 1e-8f) + decay * w);
            }
        }
        """;

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_user_defined_optimizer_from_a_cs_file_trains_and_is_tuned()
    {
        string definitions = _files.Write("AdamW.cs", AdamW);
        string output = _files.Missing("out");

        CliResult result = CliResult.Run(
            "train", "--tower", "adamw(alpha=1e-3)/sgd(alpha=1e-5)", "--definitions", definitions,
            "--epochs", "1", "--seed", "2", "--data", Subset, "--out", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("tower: adamw(alpha=0.001, beta1=0.9, beta2=0.999, decay=0.0001)/sgd(", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("device: cpu", result.Stdout, StringComparison.Ordinal);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.InRange(summary.RootElement.GetProperty("test_error_pct").GetDouble(), 0, 60);
        JsonElement level1 = summary.RootElement.GetProperty("levels")[0];
        Assert.Equal(["alpha", "beta1", "beta2", "decay"], level1.EnumerateObject().Select(p => p.Name));
        Assert.NotEqual(1e-3, level1.GetProperty("alpha").GetDouble(), 6); // SGD tuned the user's step size
        Assert.Equal(
            "step,epoch,loss,level1.alpha,level1.beta1,level1.beta2,level1.decay,level2.alpha,level2.mu",
            File.ReadLines(Path.Combine(output, "steps.csv")).First());
    }

    [Fact]
    public void Without_the_definitions_the_optimizer_is_unknown_and_the_error_names_the_option()
    {
        CliResult result = CliResult.Run(
            "train", "--tower", "adamw/sgd", "--epochs", "1", "--data", Subset, "--out", _files.Missing("out"));

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("--tower: ", line, StringComparison.Ordinal);
        Assert.Contains("unknown optimizer 'adamw'", line, StringComparison.Ordinal);
        Assert.EndsWith("an optimizer of your own trains with --definitions FILE.cs", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Definitions_that_do_not_compile_print_the_diagnostics_and_train_nothing()
    {
        string definitions = _files.Write("loop.cs", DefinitionFiles.WithLoop);
        string output = _files.Missing("out");

        CliResult result = CliResult.Run(
            "train", "--tower", "loopy/sgd", "--definitions", definitions, "--data", Subset, "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"{definitions}({DefinitionFiles.LoopLine},", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.StartsWith("hypergen: error: --definitions", result.ErrorLines[^1], StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_compiled_optimizer_on_the_gpu_is_refused_before_any_device_is_opened()
    {
        string definitions = _files.Write("AdamW.cs", AdamW);

        CliResult result = CliResult.Run(
            "train", "--tower", "adamw/sgd(alpha=1e-5)", "--definitions", definitions, "--device", "gpu",
            "--data", Subset, "--out", _files.Missing("out"));

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: --device gpu: adamw comes from --definitions", line, StringComparison.Ordinal);
    }
}
