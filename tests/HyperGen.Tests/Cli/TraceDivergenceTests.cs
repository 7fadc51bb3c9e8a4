using System;
using System.Linq;
using System.Text.Json;
using HyperGen.Cli;
using Xunit;

namespace HyperGen.Tests.Cli;

/// <summary>
/// A trace that meets a NaN or an infinity stops there with one line on stderr and <see cref="ExitCodes.Diverged"/>,
/// and its JSON, valid and finite, ends at the last good step; <c>--keep-going</c> traces the run to its end.
/// </summary>
public sealed class TraceDivergenceTests : IDisposable
{
    /// <summary>The tower of the report: its step sizes explode and the loss overflows at step 9 of 50.</summary>
    private const string DivergingTower = "sgd(alpha=0.05)/sgd(alpha=0.01)/sgd(alpha=0.01)";

    private const string Quadratic = """{"a":[1,2,4],"b":[1,-1,0.5],"w0":[0,0,0],"steps":50}""";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_diverging_tower_stops_at_the_first_non_finite_step_with_one_line_and_exit_code_4()
    {
        string problem = _files.Write("p.json", Quadratic);

        CliResult result = CliResult.Run("trace", "--tower", DivergingTower, "--problem", problem);

        Assert.Equal(ExitCodes.Diverged, result.ExitCode);
        Assert.Equal(4, ExitCodes.Diverged);
        string line = Assert.Single(result.ErrorLines);
        Assert.Equal(
            "hypergen: error: The loss is not finite: step 9 was refused and changed nothing. " +
            "The trace ends at step 8 of 50; --keep-going traces every step.",
            line);

        JsonElement[] trace = AssertFiniteJson(result.Stdout, out double[] w);
        Assert.Equal(Enumerable.Range(1, 8), trace.Select(e => e.GetProperty("t").GetInt32()));
        Assert.Equal(3, w.Length);
    }

    [Fact]
    public void A_refused_hyperparameter_update_names_the_level_that_made_it()
    {
        // Level 2's huge step size sends level 1's alpha to infinity at step 2 (step 1's hypergradient is zero).
        string problem = _files.Write("p.json", """{"a":[1],"b":[2],"w0":[0],"steps":5}""");

        CliResult result = CliResult.Run("trace", "--tower", "sgd(alpha=1e-300)/sgd(alpha=1e308)", "--problem", problem);

        Assert.Equal(ExitCodes.Diverged, result.ExitCode);
        Assert.StartsWith(
            "hypergen: error: Level 2's update of level 1's hyperparameter 'alpha' is not finite: step 2 was refused",
            Assert.Single(result.ErrorLines),
            StringComparison.Ordinal);
        JsonElement entry = Assert.Single(AssertFiniteJson(result.Stdout, out _));
        Assert.Equal(1e-300, entry.GetProperty("levels")[0].GetProperty("alpha").GetDouble());
    }

    [Fact]
    public void An_update_that_overflows_the_weights_is_undone_so_that_w_is_the_last_good_steps()
    {
        // In float, w = 0 - 1e30 * (1 * (0 - 1)) is 1e30; the next update overflows the weight itself, which the
        // tower does not check (its loss and gradient were finite).
        string problem = _files.Write("p.json", """{"a":[1],"b":[1],"w0":[0],"steps":4}""");

        CliResult result = CliResult.Run("trace", "--tower", "sgd(alpha=1e30)", "--problem", problem, "--precision", "float");

        Assert.Equal(ExitCodes.Diverged, result.ExitCode);
        Assert.StartsWith(
            "hypergen: error: Level 1's update of weight 0 is not finite: step 2 was refused and changed nothing",
            Assert.Single(result.ErrorLines),
            StringComparison.Ordinal);
        Assert.Single(AssertFiniteJson(result.Stdout, out double[] w));
        Assert.Equal((double)1e30f, Assert.Single(w));
    }

    [Fact]
    public void A_first_step_that_is_refused_leaves_an_empty_trace_and_the_starting_point()
    {
        // 0.5 * (1e200)^2 overflows a double: the loss of step 1 is already infinite.
        string problem = _files.Write("p.json", """{"a":[1],"b":[0],"w0":[1e200],"steps":3}""");

        CliResult result = CliResult.Run("trace", "--tower", "adam", "--problem", problem);

        Assert.Equal(ExitCodes.Diverged, result.ExitCode);
        Assert.Equal(
            "hypergen: error: The loss is not finite: step 1 was refused and changed nothing. The trace holds no step; --keep-going traces every step.",
            Assert.Single(result.ErrorLines));
        Assert.Equal("""{"trace":[],"w":[1E+200]}""", result.Stdout.Trim());
    }

    [Fact]
    public void Keep_going_writes_every_step_of_the_diverging_tower_and_exits_0()
    {
        string problem = _files.Write("p.json", Quadratic);

        CliResult result = CliResult.Run("trace", "--tower", DivergingTower, "--problem", problem, "--keep-going");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.StartsWith("hypergen: warning: the loss is not finite from step 9", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        JsonElement[] trace = json.RootElement.GetProperty("trace").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(1, 50), trace.Select(e => e.GetProperty("t").GetInt32()));
        Assert.Equal(8, trace.Count(e => e.GetProperty("loss").ValueKind == JsonValueKind.Number));
        Assert.All(trace[8..], e => Assert.Equal("Infinity", e.GetProperty("loss").GetString()));
    }

    /// <summary>Parses the trace and checks that every value in it is a finite JSON number (no "NaN" or "Infinity").</summary>
    private static JsonElement[] AssertFiniteJson(string stdout, out double[] w)
    {
        Assert.DoesNotContain("NaN", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", stdout, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(["trace", "w"], json.RootElement.EnumerateObject().Select(p => p.Name));
        JsonElement[] trace = json.RootElement.GetProperty("trace").EnumerateArray().Select(e => e.Clone()).ToArray();
        foreach (JsonElement entry in trace)
        {
            Assert.True(double.IsFinite(entry.GetProperty("loss").GetDouble()));
            foreach (JsonElement level in entry.GetProperty("levels").EnumerateArray())
            {
                Assert.All(level.EnumerateObject(), p => Assert.True(double.IsFinite(p.Value.GetDouble()), p.Name));
            }
        }

        w = json.RootElement.GetProperty("w").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.All(w, x => Assert.True(double.IsFinite(x)));
        return trace;
    }
}
