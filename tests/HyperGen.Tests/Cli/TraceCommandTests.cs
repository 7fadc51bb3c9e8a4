using System;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace HyperGen.Tests.Cli;

public sealed class TraceCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Sgd_trace_matches_a_hand_computed_loop()
    {
        double[] a = [1, 2, 0.5];
        double[] b = [0.5, -1, 3];
        double[][] noise = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0]];
        const int steps = 5;
        const double alpha = 0.1;
        string problem = _files.Write("p.json", """
            {"a":[1,2,0.5],"b":[0.5,-1,3],"w0":[0,0.25,-1],
             "noise":[[0.1,-0.2,0.3],[-0.05,0.4,0]],"steps":5}
            """);

        CliResult result = CliResult.Run("trace", "--tower", "sgd(alpha=0.1)", "--problem", problem);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        JsonElement[] trace = json.RootElement.GetProperty("trace").EnumerateArray().ToArray();
        Assert.Equal(steps, trace.Length);

        // Depth-1 SGD without momentum: w <- w - alpha * g_t, with the loss taken before the update.
        double[] w = [0, 0.25, -1];
        for (int t = 1; t <= steps; t++)
        {
            double[] n = noise[(t - 1) % noise.Length];
            double loss = 0;
            var g = new double[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                loss += (0.5 * a[i] * (w[i] - b[i]) * (w[i] - b[i])) + (n[i] * w[i]);
                g[i] = (a[i] * (w[i] - b[i])) + n[i];
            }

            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= alpha * g[i];
            }

            JsonElement entry = trace[t - 1];
            Assert.Equal(t, entry.GetProperty("t").GetInt32());
            AssertClose(loss, entry.GetProperty("loss").GetDouble());
            JsonElement level = Assert.Single(entry.GetProperty("levels").EnumerateArray());
            Assert.Equal(alpha, level.GetProperty("alpha").GetDouble());
            Assert.Equal(0, level.GetProperty("mu").GetDouble());
        }

        double[] final = json.RootElement.GetProperty("w").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(w.Length, final.Length);
        for (int i = 0; i < w.Length; i++)
        {
            AssertClose(w[i], final[i]);
        }
    }

    [Fact]
    public void Float_precision_follows_a_float_loop()
    {
        string problem = _files.Write("p.json", """{"a":[1,3],"b":[0.3,-0.7],"w0":[0.1,0.2],"steps":4}""");

        CliResult result = CliResult.Run("trace", "--tower", "sgd(alpha=0.05)", "--problem", problem, "--precision", "float");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        float[] w = [0.1f, 0.2f];
        float[] a = [1f, 3f];
        float[] b = [0.3f, -0.7f];
        for (int t = 1; t <= 4; t++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= 0.05f * (a[i] * (w[i] - b[i]));
            }
        }

        double[] final = json.RootElement.GetProperty("w").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(w[0], final[0], 6);
        Assert.Equal(w[1], final[1], 6);

        // The weights are floats: each printed double must be exactly a float value.
        Assert.All(final, x => Assert.Equal(x, (double)(float)x));
    }

    [Fact]
    public void Adam_sgd_sgd_trace_has_one_entry_per_step_with_every_level_named()
    {
        string problem = _files.Write("p.json", """{"a":[1,2,4],"b":[1,-1,0.5],"w0":[0,0,0],"noise":[[0.1,0,-0.1]],"steps":6}""");

        CliResult result = CliResult.Run("trace", "--tower", "adam/sgd/sgd", "--problem", problem);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(["trace", "w"], json.RootElement.EnumerateObject().Select(p => p.Name));
        JsonElement[] trace = json.RootElement.GetProperty("trace").EnumerateArray().ToArray();
        Assert.Equal(6, trace.Length);
        for (int t = 1; t <= trace.Length; t++)
        {
            JsonElement entry = trace[t - 1];
            Assert.Equal(["t", "loss", "levels"], entry.EnumerateObject().Select(p => p.Name));
            Assert.Equal(t, entry.GetProperty("t").GetInt32());
            Assert.True(double.IsFinite(entry.GetProperty("loss").GetDouble()));
            JsonElement[] levels = entry.GetProperty("levels").EnumerateArray().ToArray();
            Assert.Equal(3, levels.Length);
            Assert.Equal(["alpha", "beta1", "beta2"], levels[0].EnumerateObject().Select(p => p.Name));
            Assert.Equal(["alpha", "mu"], levels[1].EnumerateObject().Select(p => p.Name));
            Assert.Equal(["alpha", "mu"], levels[2].EnumerateObject().Select(p => p.Name));

            // The top level is never trained.
            Assert.Equal(0.01, levels[2].GetProperty("alpha").GetDouble(), 12);
        }

        // At the first step every hypergradient is zero, so level 1 still has Adam's defaults.
        JsonElement first = trace[0].GetProperty("levels")[0];
        Assert.Equal(1e-3, first.GetProperty("alpha").GetDouble(), 12);
        Assert.Equal(0.9, first.GetProperty("beta1").GetDouble(), 12);
        Assert.Equal(0.999, first.GetProperty("beta2").GetDouble(), 12);

        // By the last step the hypergradients have moved Adam's step size.
        Assert.NotEqual(1e-3, trace[^1].GetProperty("levels")[0].GetProperty("alpha").GetDouble());
        Assert.Equal(3, json.RootElement.GetProperty("w").GetArrayLength());
    }

    [Fact]
    public void Zero_steps_print_an_empty_trace_and_the_starting_point()
    {
        string problem = _files.Write("p.json", """{"a":[1],"b":[2],"w0":[0.5],"steps":0}""");

        CliResult result = CliResult.Run("trace", "--tower", "adam", "--problem", problem);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"trace":[],"w":[0.5]}""", result.Stdout.Trim());
    }

    [Fact]
    public void Keep_going_writes_non_finite_numbers_as_strings_and_warns()
    {
        string problem = _files.Write("p.json", """{"a":[1],"b":[1],"w0":[0],"steps":4}""");

        CliResult result = CliResult.Run("trace", "--tower", "sgd(alpha=1e308)", "--problem", problem, "--keep-going");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(4, json.RootElement.GetProperty("trace").GetArrayLength());
        Assert.Equal("Infinity", json.RootElement.GetProperty("trace")[1].GetProperty("loss").GetString());
        Assert.StartsWith("hypergen: warning: the loss is not finite from step 2", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Pretty_indents_the_same_document()
    {
        string problem = _files.Write("p.json", """{"a":[1,2],"b":[0.5,-1],"w0":[0,0],"steps":3}""");

        CliResult compact = CliResult.Run("trace", "--tower", "adam/sgd", "--problem", problem);
        CliResult pretty = CliResult.Run("trace", "--tower", "adam/sgd", "--problem", problem, "--pretty");
        CliResult explicitlyCompact = CliResult.Run("trace", "--tower", "adam/sgd", "--problem", problem, "--pretty", "false");

        Assert.Equal(0, pretty.ExitCode);

        // A writer that is not the process's terminal gets one line by default, as a program reading a pipe wants.
        Assert.Single(compact.OutputLines);
        Assert.Equal(compact.Stdout, explicitlyCompact.Stdout);
        Assert.True(pretty.OutputLines.Length > 20, pretty.Stdout);
        Assert.Contains("\n  \"trace\": [", pretty.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        using JsonDocument a = JsonDocument.Parse(compact.Stdout);
        using JsonDocument b = JsonDocument.Parse(pretty.Stdout);
        Assert.True(JsonElement.DeepEquals(a.RootElement, b.RootElement));
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(
            Math.Abs(expected - actual) <= 1e-13 * Math.Max(1, Math.Abs(expected)),
            $"expected {expected:R}, got {actual:R}");
}
