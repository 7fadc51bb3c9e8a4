using System;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>Bad input ends with exit code 2, nothing on stdout, and one line on stderr that says what and where.</summary>
public sealed class TraceInputErrorTests : IDisposable
{
    private const string GoodProblem = """{"a":[1,2],"b":[0.5,-1],"w0":[0,0],"steps":3}""";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("sgd(alpha=0.1", "column 14", "missing ')'")]
    [InlineData("sgd(alpha=)", "column 11", "expected a number")]
    [InlineData("adam/", "column 6", "expected an optimizer name")]
    [InlineData("adam(beta1=1.5)", "column 12", "out of range")]
    public void A_malformed_spec_names_the_column(string spec, string column, string problem)
    {
        CliResult result = Trace(spec, _files.Write("p.json", GoodProblem));

        string line = AssertOneErrorLine(result);
        Assert.Contains(column, line);
        Assert.Contains(problem, line);
    }

    [Fact]
    public void An_unknown_optimizer_is_named_with_the_known_ones()
    {
        CliResult result = Trace("adam/sgdd", _files.Write("p.json", GoodProblem));

        string line = AssertOneErrorLine(result);
        Assert.Contains("unknown optimizer 'sgdd'", line);
        Assert.Contains("column 6", line);
        Assert.Contains("Sgd", line);
    }

    [Fact]
    public void An_unknown_hyperparameter_is_named_with_the_known_ones()
    {
        CliResult result = Trace("adam(gamma=0.5)", _files.Write("p.json", GoodProblem));

        string line = AssertOneErrorLine(result);
        Assert.Contains("no hyperparameter 'gamma'", line);
        Assert.Contains("column 6", line);
        Assert.Contains("alpha, beta1, beta2", line);
    }

    [Fact]
    public void A_json_syntax_error_names_the_line_and_position()
    {
        string path = _files.Write("p.json", "{\n  \"a\": [1, 2],\n  \"b\": [0.5 -1],\n  \"w0\": [0, 0], \"steps\": 3\n}");

        string line = AssertOneErrorLine(Trace("sgd", path));

        Assert.Contains(path, line);
        Assert.Contains("invalid JSON at line 3, position", line);
    }

    [Theory]
    [InlineData("""{"a":[1,2],"b":[0.5],"w0":[0,0],"steps":3}""", "field 'b' has 1 number but 'a' has 2")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0],"steps":3}""", "field 'w0' has 1 number but 'a' has 2")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,0],"noise":[[1,2],[3]],"steps":3}""", "field 'noise[1]' has 1 number")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,0],"steps":-1}""", "field 'steps' must be a whole number >= 0")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,0],"steps":2.5}""", "field 'steps' must be a whole number >= 0")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,"x"],"steps":3}""", "field 'w0[1]' must be a number")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,1e999],"steps":3}""", "field 'w0[1]' = 1e999 is not a finite double")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,0]}""", "missing field 'steps'")]
    [InlineData("""{"a":[1,2],"b":[0.5,1],"w0":[0,0],"step":3}""", "unknown field 'step'")]
    [InlineData("""{"a":[],"b":[],"w0":[],"steps":3}""", "field 'a' is empty")]
    [InlineData("""[1,2]""", "expected an object")]
    public void An_invalid_problem_names_the_field(string json, string expected)
    {
        string path = _files.Write("p.json", json);

        string line = AssertOneErrorLine(Trace("sgd", path));

        Assert.Contains(path, line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void A_missing_problem_file_is_named()
    {
        string path = _files.Missing("nowhere.json");

        string line = AssertOneErrorLine(Trace("sgd", path));

        Assert.Contains($"cannot read problem file '{path}': no such file", line);
    }

    [Fact]
    public void A_missing_definitions_file_is_named()
    {
        string path = _files.Missing("nowhere.cs");

        string line = AssertOneErrorLine(CliResult.Run(
            "trace", "--tower", "sgd", "--problem", _files.Write("p.json", GoodProblem), "--definitions", path));

        Assert.Contains($"cannot read definitions file '{path}'", line);
    }

    [Fact]
    public void A_float_run_rejects_numbers_beyond_float_range()
    {
        string path = _files.Write("p.json", """{"a":[1e300],"b":[0],"w0":[0],"steps":1}""");

        string line = AssertOneErrorLine(CliResult.Run("trace", "--tower", "sgd", "--problem", path, "--precision", "float"));

        Assert.Contains("'a[0]'", line);
        Assert.Contains("float", line);
    }

    [Theory]
    [InlineData("trace", "--problem", "p.json")]
    [InlineData("trace", "--tower", "sgd", "--problem", "p.json", "--precision", "half")]
    [InlineData("trace", "--tower", "sgd", "--problem", "p.json", "--bogus")]
    [InlineData("frobnicate")]
    [InlineData]
    public void Bad_command_lines_are_one_line_errors(params string[] args)
    {
        AssertOneErrorLine(CliResult.Run(args));
    }

    [Fact]
    public void Help_succeeds()
    {
        CliResult result = CliResult.Run("trace", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--tower", result.Stdout);
        Assert.Contains("hypergen trace", result.Stdout);
    }

    private static CliResult Trace(string spec, string problem) =>
        CliResult.Run("trace", "--tower", spec, "--problem", problem);

    private static string AssertOneErrorLine(CliResult result)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("hypergen: error: ", line);
        return line;
    }
}
