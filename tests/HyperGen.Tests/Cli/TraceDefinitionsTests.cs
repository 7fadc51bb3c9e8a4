using System;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary><c>trace --definitions</c>: user optimizers compiled in memory and used by name in the tower spec.</summary>
public sealed class TraceDefinitionsTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Trace_uses_compiled_definitions_by_name()
    {
        string definitions = _files.Write("valid.cs", DefinitionFiles.Valid);
        string problem = _files.Write("p.json", """{"a":[1,2],"b":[0.5,-1],"w0":[0,0],"steps":3}""");

        CliResult result = CliResult.Run(
            "trace", "--tower", "nesterov_rms(alpha=0.02)/squaredrate/sgd", "--problem", problem, "--definitions", definitions);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        JsonElement levels = json.RootElement.GetProperty("trace")[0].GetProperty("levels");
        Assert.Equal(["alpha", "mu", "gamma"], levels[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.02, levels[0].GetProperty("alpha").GetDouble(), 12);
        Assert.Equal(["rate", "decay"], levels[1].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Trace_with_definitions_that_do_not_compile_is_bad_input()
    {
        string definitions = _files.Write("loop.cs", DefinitionFiles.WithLoop);
        string problem = _files.Write("p.json", """{"a":[1],"b":[0.5],"w0":[0],"steps":3}""");

        CliResult result = CliResult.Run("trace", "--tower", "sgd", "--problem", problem, "--definitions", definitions);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"{definitions}({DefinitionFiles.LoopLine},", result.ErrorLines[0]);
        Assert.Contains(": error HG", result.ErrorLines[0]);
        Assert.StartsWith("hypergen: error: --definitions", result.ErrorLines[^1]);
    }
}
