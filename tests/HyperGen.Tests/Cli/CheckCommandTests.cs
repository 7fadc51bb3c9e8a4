using System;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace HyperGen.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Valid_definitions_pass_the_gradient_check()
    {
        string path = _files.Write("valid.cs", DefinitionFiles.Valid);

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        string[] expected = ["NesterovRms alpha", "NesterovRms mu", "NesterovRms gamma", "SquaredRate rate", "SquaredRate decay"];
        foreach (string pair in expected)
        {
            string[] names = pair.Split(' ');
            Assert.Contains(result.OutputLines, line =>
                Regex.IsMatch(line, $@"^{names[0]}\s+{names[1]}\s+max rel err \d\.\de[+-]\d\d\s+ok$"));
        }

        Assert.Equal("5 derivatives checked, all within 1e-6", result.OutputLines[^1]);
    }

    [Fact]
    public void An_unsupported_construct_is_an_HG_error_at_its_line()
    {
        string path = _files.Write("loop.cs", DefinitionFiles.WithLoop);

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.OutputLines, l => l.Contains(": error HG", StringComparison.Ordinal));
        Assert.StartsWith($"{path}({DefinitionFiles.LoopLine},", line);
        Assert.Matches(@"\(\d+,\d+\): error HG\d{4}: ", line);
    }

    [Fact]
    public void A_compiler_error_is_reported_with_its_position()
    {
        string path = _files.Write("broken.cs", DefinitionFiles.SyntaxError);

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith($"{path}(3,", StringComparison.Ordinal) && l.Contains("error CS1002"));
    }

    [Fact]
    public void Diagnostics_follow_the_order_of_the_files_given()
    {
        string broken = _files.Write("broken.cs", DefinitionFiles.SyntaxError);
        string loop = _files.Write("loop.cs", DefinitionFiles.WithLoop);

        CliResult result = CliResult.Run("check", loop, broken);

        Assert.Equal(1, result.ExitCode);
        string[] errors = result.OutputLines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length >= 2);
        Assert.StartsWith(loop, errors[0]);
        Assert.StartsWith(broken, errors[^1]);
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        string path = _files.Missing("nowhere.cs");

        CliResult result = CliResult.Run("check", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"hypergen: error: cannot read definitions file '{path}': no such file", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Check_without_files_is_bad_input()
    {
        CliResult result = CliResult.Run("check");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("hypergen: error: ", Assert.Single(result.ErrorLines));
    }
}
