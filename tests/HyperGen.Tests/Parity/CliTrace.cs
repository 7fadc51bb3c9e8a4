using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using HyperGen.Tests.Reference;

namespace HyperGen.Tests.Parity;

/// <summary>One step of a <c>hypergen trace</c> run, as parsed from its JSON.</summary>
internal sealed record CliStep(int T, double Loss, IReadOnlyList<IReadOnlyDictionary<string, double>> Levels);

/// <summary>A parsed <c>hypergen trace</c> run and what it wrote to stderr.</summary>
internal sealed record CliTraceResult(IReadOnlyList<CliStep> Steps, double[] FinalWeights, string Stderr);

/// <summary>
/// Runs <c>hypergen trace</c> in-process (<see cref="HyperGen.Cli.CliApp.Run"/>) on a problem written to a temporary
/// JSON file, exactly as a user would from the shell, and parses its standard output with System.Text.Json.
/// </summary>
internal sealed class CliTrace : IDisposable
{
    private readonly string _directory;

    public CliTrace()
    {
        _directory = Path.Combine(Path.GetTempPath(), "hypergen-parity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Writes a C# file into the temporary directory and returns its path (for <c>--definitions</c>).</summary>
    public string WriteFile(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public CliTraceResult Run(string tower, QuadraticProblem problem, string precision = "double", params string[] definitions)
    {
        string problemPath = Path.Combine(_directory, "problem-" + Guid.NewGuid().ToString("N") + ".json");
        ParityProblems.WriteJson(problem, problemPath);

        var args = new List<string> { "trace", "--tower", tower, "--problem", problemPath, "--precision", precision };
        if (definitions.Length > 0)
        {
            args.Add("--definitions");
            args.AddRange(definitions);
        }

        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int exitCode = HyperGen.Cli.CliApp.Run([.. args], stdout, stderr);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"hypergen {string.Join(' ', args)} exited with {exitCode}; stderr:{Environment.NewLine}{stderr}");
        }

        return Parse(stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; never fail a test over it.
        }
    }

    private static CliTraceResult Parse(string json, string stderr)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var steps = new List<CliStep>();
        foreach (JsonElement step in root.GetProperty("trace").EnumerateArray())
        {
            var levels = new List<IReadOnlyDictionary<string, double>>();
            foreach (JsonElement level in step.GetProperty("levels").EnumerateArray())
            {
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (JsonProperty property in level.EnumerateObject())
                {
                    values.Add(property.Name, Number(property.Value));
                }

                levels.Add(values);
            }

            steps.Add(new CliStep(step.GetProperty("t").GetInt32(), Number(step.GetProperty("loss")), levels));
        }

        double[] w = root.GetProperty("w").EnumerateArray().Select(Number).ToArray();
        return new CliTraceResult(steps, w, stderr);
    }

    /// <summary>Finite numbers are JSON numbers; the CLI writes non-finite ones as "NaN", "Infinity", "-Infinity".</summary>
    private static double Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException($"unexpected string '{other}' where a number belongs"),
        },
        _ => throw new FormatException($"expected a number, found {element.ValueKind}"),
    };
}
