using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using HyperGen.Cli.Commands.Train;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>Where a reproduction's numbers came from: the command, when, on what machine and data.</summary>
/// <param name="Command">The command line that reproduces the files.</param>
/// <param name="Data">The dataset's description (says when it is only the shipped subset).</param>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="Machine">The processor model and core count, and the GPU the runs trained on, if they did.</param>
internal sealed record ReproduceHeader(string Command, string Data, DateTime StartedUtc, string Machine)
{
    /// <summary>A header for a run started now on this machine, training on <paramref name="gpu"/> when it is not null.</summary>
    public static ReproduceHeader Now(string command, string data, string? gpu = null) =>
        new(command, data, DateTime.UtcNow, gpu is null ? DescribeMachine() : $"{DescribeMachine()}; trained on {gpu}");

    /// <summary>The plot title: <paramref name="what"/> and the date.</summary>
    public string PlotTitle(string what) =>
        $"{what} ({StartedUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {Machine})";

    /// <summary>Appends the header as markdown lines.</summary>
    public void AppendMarkdown(StringBuilder text)
    {
        text.AppendLine($"Command: `{Command}`  ");
        text.AppendLine($"Started: {StartedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC  ");
        text.AppendLine($"Machine: {Machine}  ");
        text.AppendLine($"Data: {Data}");
        text.AppendLine();
    }

    /// <summary>Writes the header's fields into the current JSON object.</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteString("command", Command);
        json.WriteString("started_utc", StartedUtc.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("machine", Machine);
        json.WriteString("data", Data);
    }

    /// <summary>The CPU model from /proc/cpuinfo where there is one, and the logical processor count.</summary>
    private static string DescribeMachine()
    {
        string model = "unknown CPU";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    model = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // The model is decoration; a machine that hides it still gets its core count.
        }

        return $"{model}, {Environment.ProcessorCount} logical cores";
    }
}

/// <summary>JSON pieces shared by the reproduction reports.</summary>
internal static class ReproduceJson
{
    /// <summary>Writes <c>"name": {"mean": .., "sd": .., "n": ..}</c>.</summary>
    public static void WriteStatistics(Utf8JsonWriter json, string name, SeedStatistics statistics)
    {
        json.WriteStartObject(name);
        json.WritePropertyName("mean");
        JsonNumbers.Write(json, statistics.Mean);
        json.WritePropertyName("sd");
        JsonNumbers.Write(json, statistics.StandardDeviation);
        json.WriteNumber("n", statistics.Count);
        json.WriteEndObject();
    }

    /// <summary>Writes the "seeds" array: per seed (1-based, in order) its run.</summary>
    public static void WriteSeeds(Utf8JsonWriter json, IReadOnlyList<TowerRunResult> runs)
    {
        json.WriteStartArray("seeds");
        for (int seed = 0; seed < runs.Count; seed++)
        {
            WriteRun(json, seed + 1, runs[seed]);
        }

        json.WriteEndArray();
    }

    /// <summary>Writes one seed's run: test error, seconds per epoch, divergence and the final hyperparameters of every level.</summary>
    private static void WriteRun(Utf8JsonWriter json, int seed, TowerRunResult run)
    {
        json.WriteStartObject();
        json.WriteNumber("seed", seed);
        json.WritePropertyName("test_error_pct");
        JsonNumbers.Write(json, run.Training.TestErrorPercent);
        json.WritePropertyName("seconds_per_epoch");
        JsonNumbers.Write(json, run.Training.MeanSecondsPerEpoch);
        json.WriteBoolean("diverged", run.Training.Diverged);
        json.WriteStartArray("levels");
        foreach (var level in run.FinalLevels)
        {
            json.WriteStartObject();
            foreach ((string name, double value) in level)
            {
                json.WritePropertyName(name);
                JsonNumbers.Write(json, value);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
