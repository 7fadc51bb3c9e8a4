using System;
using System.IO;
using System.Linq;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// Every command answers malformed input with exit code 2 and one <c>hypergen: error:</c> line that says what and
/// where, never a stack trace: bad options, specs, JSON, definitions files, data folders, checkpoints and output paths.
/// </summary>
public sealed class CliRobustnessTests : IDisposable
{
    private const string GoodProblem = """{"a":[1,2],"b":[0.5,-1],"w0":[0,0],"steps":3}""";
    private const string GoodDefinition = """
        using HyperGen;
        public static partial class Plain
        {
            [HyperOptimize]
            public static void Step(ref float w, float g, [Hyper(0.1)] float alpha) => w -= alpha * g;
        }
        """;

    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("trace")]
    [InlineData("trace", "--tower", "sgd")]
    [InlineData("trace", "--tower", "sgd", "--problem", "p.json", "--precision", "half")]
    [InlineData("trace", "--tower", "sgd", "--problem", "p.json", "--bogus")]
    [InlineData("check")]
    [InlineData("train", "--epochs", "many")]
    [InlineData("train", "--seed", "1.5")]
    [InlineData("train", "--device", "tpu")]
    [InlineData("train", "--checkpoint-every", "often")]
    [InlineData("train", "--epochs")]
    public void Malformed_command_lines_are_one_error_line(params string[] args)
    {
        AssertBadInput(CliResult.Run(args), "(see hypergen --help)");
    }

    [Theory]
    [InlineData("", "column 1: the spec is empty")]
    [InlineData("   ", "the spec is empty")]
    [InlineData("sgd(alpha in [1, 0])", "above the upper bound")]
    [InlineData("sgd(alpha=0.5, alpha in [0, 0.1])", "outside the bounds")]
    [InlineData("sgd(alpha in [0, 1)", "expected ']'")]
    [InlineData("sgd(alpha=1e999)", "is not a finite number")]
    [InlineData("sgd(alpha=NaN)", "is not a finite number")]
    [InlineData("sgd(alpha=0x10)", "is not a finite number")]
    [InlineData("sgd(alpha=1)(", "expected '/' between levels")]
    [InlineData("sgd//adam", "expected an optimizer name")]
    [InlineData("s\u00e9d", "unknown optimizer")]
    public void Malformed_specs_are_one_error_line_in_every_command(string spec, string problem)
    {
        AssertBadInput(CliResult.Run("trace", "--tower", spec, "--problem", _files.Write("p.json", GoodProblem)), "--tower: ", problem);
        AssertBadInput(CliResult.Run("train", "--tower", spec, "--data", Subset, "--out", _files.Missing("out")), "--tower: ", problem);
    }

    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("\u0000\u0001binary", "invalid JSON")]
    [InlineData("[1, 2]", "expected an object")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1],\"steps\":-1}", "'steps' must be a whole number >= 0")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1],\"steps\":3000000000}", "'steps' must be a whole number >= 0")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1],\"steps\":1.5}", "'steps' must be a whole number >= 0")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1e999],\"steps\":1}", "not a finite double")]
    [InlineData("{\"a\":[1],\"b\":[1,2],\"w0\":[1],\"steps\":1}", "the same length")]
    [InlineData("{\"a\":[],\"b\":[],\"w0\":[],\"steps\":1}", "field 'a' is empty")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1],\"steps\":1,\"noise\":[[1,2]]}", "noise")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[\"1\"],\"steps\":1}", "must be")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1],\"steps\":1,\"extra\":0}", "unknown field 'extra'")]
    [InlineData("{\"a\":[1],\"b\":[1],\"w0\":[1],\"steps\":1} trailing", "invalid JSON")]
    public void Malformed_problem_files_are_one_error_line(string json, string problem)
    {
        string path = _files.Write("p.json", json);

        AssertBadInput(CliResult.Run("trace", "--tower", "sgd", "--problem", path), path, problem);
    }

    [Fact]
    public void Missing_and_unreadable_input_files_are_one_error_line()
    {
        string missing = _files.Missing("none.json");
        string folder = Path.GetDirectoryName(_files.Write("x.txt", ""))!;

        AssertBadInput(CliResult.Run("trace", "--tower", "sgd", "--problem", missing), missing, "no such file");
        AssertBadInput(CliResult.Run("trace", "--tower", "sgd", "--problem", folder), "it is a directory");
        AssertBadInput(CliResult.Run("trace", "--tower", "sgd", "--problem", _files.Write("p.json", GoodProblem), "--definitions", missing), "no such file");
        AssertBadInput(CliResult.Run("check", missing), missing, "no such file");
        AssertBadInput(CliResult.Run("check", folder), "it is a directory");
    }

    [Theory]
    [InlineData("this is not C#")]
    [InlineData("public static partial class Broken { [HyperOptimize] public static void Step(ref float w, float g) { for (;;) { } } }")]
    [InlineData("\u0000\u0000\u0000")]
    public void Definitions_that_do_not_compile_end_with_one_error_line_after_the_diagnostics(string code)
    {
        CliResult result = CliResult.Run(
            "trace", "--tower", "sgd", "--problem", _files.Write("p.json", GoodProblem), "--definitions", _files.Write("d.cs", code));

        // The compiler's diagnostics come first (they say where); the last line is the one error line.
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("hypergen: error: --definitions: the definitions do not compile", result.ErrorLines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(result.ErrorLines, line => line.StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_definition_named_like_a_built_in_is_used_in_its_place()
    {
        string definitions = _files.Write("d.cs", GoodDefinition.Replace("Plain", "Sgd", StringComparison.Ordinal));

        CliResult result = CliResult.Run(
            "trace", "--tower", "sgd(alpha=0.2)", "--problem", _files.Write("p.json", GoodProblem), "--definitions", definitions);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("\"mu\"", result.Stdout, StringComparison.Ordinal); // the user's Sgd has alpha only
    }

    [Fact]
    public void A_data_folder_without_the_files_or_with_corrupt_ones_is_one_error_line()
    {
        string empty = Directory.CreateDirectory(_files.Missing("empty")).FullName;
        AssertBadInput(CliResult.Run("train", "--data", empty, "--out", _files.Missing("out1")), "--data: ");

        string corrupt = Directory.CreateDirectory(_files.Missing("corrupt")).FullName;
        foreach (string name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
        {
            File.WriteAllText(Path.Combine(corrupt, name), "not gzip at all");
        }

        AssertBadInput(CliResult.Run("train", "--data", corrupt, "--out", _files.Missing("out2")), "--data: ");
    }

    [Fact]
    public void Output_paths_that_cannot_be_written_are_one_error_line()
    {
        string file = _files.Write("a-file", "x");
        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", file), "--out: ");

        // The folder exists but its log file cannot be created: a folder stands where steps.csv goes.
        string output = _files.Missing("out");
        Directory.CreateDirectory(Path.Combine(output, "steps.csv"));
        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", output), "--out: ", "steps.csv");

        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", _files.Missing("o3"), "--checkpoint", Path.Combine(file, "ck")), "--checkpoint: cannot create");
    }

    [Fact]
    public void Checkpoint_options_that_contradict_each_other_are_one_error_line()
    {
        string output = _files.Missing("out");
        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", output, "--resume"), "--resume: needs --checkpoint");
        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", output, "--checkpoint", _files.Missing("ck"), "--resume"), "--resume: there is no checkpoint");
        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", output, "--checkpoint", _files.Missing("ck"), "--checkpoint-every", "0"), "--checkpoint-every: must be at least 1");
        AssertBadInput(CliResult.Run("train", "--data", Subset, "--out", output, "--checkpoint", " "), "--checkpoint: the folder name is empty");
    }

    [Fact]
    public void A_fresh_run_does_not_overwrite_a_saved_one()
    {
        string folder = _files.Missing("ck");
        string[] train = ["train", "--data", Subset, "--out", _files.Missing("out"), "--epochs", "1", "--checkpoint", folder];
        Assert.Equal(0, CliResult.Run(train).ExitCode);
        byte[] saved = File.ReadAllBytes(Path.Combine(folder, "checkpoint.hgc"));

        AssertBadInput(CliResult.Run([.. train, "--seed", "9"]), "already holds a run; add --resume");
        Assert.Equal(saved, File.ReadAllBytes(Path.Combine(folder, "checkpoint.hgc")));
    }

    [Theory]
    [InlineData("garbage", "not a HyperGen checkpoint")]
    [InlineData("truncated", "corrupted or truncated")]
    [InlineData("flipped", "corrupted or truncated")]
    [InlineData("other-tower", "was saved for the tower")]
    public void A_bad_checkpoint_is_one_error_line_and_stays_as_it_was(string kind, string problem)
    {
        string folder = _files.Missing("ck");
        string[] train = ["train", "--data", Subset, "--out", _files.Missing("out"), "--checkpoint", folder];
        Assert.Equal(0, CliResult.Run([.. train, "--tower", "sgd(alpha=0.01)/sgd(alpha=1e-5)", "--epochs", "1"]).ExitCode);
        string path = Path.Combine(folder, "checkpoint.hgc");
        byte[] content = File.ReadAllBytes(path);
        switch (kind)
        {
            case "garbage":
                content = "definitely not a checkpoint"u8.ToArray();
                break;
            case "truncated":
                content = content[..(content.Length / 2)];
                break;
            case "flipped":
                content[content.Length / 3] ^= 0x10;
                break;
        }

        File.WriteAllBytes(path, content);
        string tower = kind == "other-tower" ? "adam/sgd(alpha=1e-5)" : "sgd(alpha=0.01)/sgd(alpha=1e-5)";

        CliResult result = CliResult.Run([.. train, "--tower", tower, "--resume", "--epochs", "2"]);

        AssertBadInput(result, "--resume: Checkpoint '", problem);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    /// <summary>Exit code 2, exactly one stderr line, in the house format, containing every <paramref name="parts"/>.</summary>
    private static void AssertBadInput(CliResult result, params string[] parts)
    {
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}; stderr:\n{result.Stderr}");
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: ", line, StringComparison.Ordinal);
        foreach (string part in parts)
        {
            Assert.Contains(part, line, StringComparison.Ordinal);
        }
    }
}
