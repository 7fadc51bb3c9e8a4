using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Writes a run's files: <c>steps.csv</c> (one row per step: step, epoch, loss, then <c>level1.alpha</c>, ... in
/// the user's domain, each the shortest text that reads back as the same float), <c>log.json</c> (the same columns as arrays, plus the per-epoch reports) and
/// <c>summary.json</c> (test error, seconds per epoch, epochs, final hyperparameters of every level), each with the
/// baselines' numbers beside the tower's when there are any.
/// </summary>
internal static class TrainingLogWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the per-step CSV log.</summary>
    public static void WriteStepsCsv(string path, TrainingHistory history, bool append = false)
    {
        using var writer = new StreamWriter(path, append, Utf8NoBom);
        var line = new StringBuilder("step,epoch,loss");
        foreach (HyperColumn column in history.Columns)
        {
            line.Append(',').Append(column.Key);
        }

        if (!append)
        {
            writer.WriteLine(line.ToString());
        }
        for (int row = 0; row < history.Count; row++)
        {
            line.Clear()
                .Append(history.Steps[row].ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(history.Epochs[row].ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(history.Losses[row].ToString("R", CultureInfo.InvariantCulture));
            for (int column = 0; column < history.Columns.Count; column++)
            {
                // The towers train in float: printed through double, 1e-5f would read 9.999999747378752E-06.
                line.Append(',').Append(((float)history.ValuesOf(column)[row]).ToString("R", CultureInfo.InvariantCulture));
            }

            writer.WriteLine(line.ToString());
        }
    }

    /// <summary>
    /// Writes the JSON log: the run's settings, every epoch's report and every step's values, column-wise; with
    /// baselines, the same for each under <c>"baselines"</c>.
    /// </summary>
    public static void WriteLogJson(
        string path, TrainRunInfo info, TrainingResult result, TrainingHistory history, IReadOnlyList<BaselineResult>? baselines = null)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tower", info.Tower);
        json.WriteString("data", info.Data);
        json.WriteNumber("seed", info.Seed);
        WriteEpochs(json, result.Epochs);
        WriteSteps(json, history);
        if (baselines is { Count: > 0 })
        {
            json.WriteStartArray("baselines");
            foreach (BaselineResult baseline in baselines)
            {
                json.WriteStartObject();
                WriteBaselineName(json, baseline);
                WriteEpochs(json, baseline.Run.Training.Epochs);
                WriteSteps(json, baseline.History);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// Writes <c>summary.json</c>: <c>{"test_error_pct", "seconds_per_epoch", "epochs", "diverged", "tower",
    /// "data", "levels": [{"alpha": ..}, ..]}</c>, levels bottom first, final values in the user's domain; with
    /// baselines, <c>"baselines": [{"name", "tower", "schedule", "test_error_pct", ...}]</c> with the same numbers.
    /// </summary>
    public static void WriteSummary(string path, TrainRunInfo info, TowerRunResult run, IReadOnlyList<BaselineResult>? baselines = null)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        WriteOutcome(json, run);
        json.WriteString("tower", info.Tower);
        json.WriteString("data", info.Data);
        json.WriteNumber("seed", info.Seed);
        WriteLevels(json, run);
        if (baselines is { Count: > 0 })
        {
            json.WriteStartArray("baselines");
            foreach (BaselineResult baseline in baselines)
            {
                json.WriteStartObject();
                WriteBaselineName(json, baseline);
                WriteOutcome(json, baseline.Run);
                WriteLevels(json, baseline.Run);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteOutcome(Utf8JsonWriter json, TowerRunResult run)
    {
        WriteNumber(json, "test_error_pct", run.Training.TestErrorPercent);
        WriteNumber(json, "seconds_per_epoch", run.Training.MeanSecondsPerEpoch);
        json.WriteNumber("epochs", run.Training.Epochs.Count);
        json.WriteBoolean("diverged", run.Training.Diverged);
    }

    private static void WriteLevels(Utf8JsonWriter json, TowerRunResult run)
    {
        json.WriteStartArray("levels");
        foreach (IReadOnlyList<KeyValuePair<string, double>> level in run.FinalLevels)
        {
            json.WriteStartObject();
            foreach ((string name, double value) in level)
            {
                WriteNumber(json, name, value);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteBaselineName(Utf8JsonWriter json, BaselineResult baseline)
    {
        json.WriteString("name", baseline.Plan.Name);
        json.WriteString("tower", baseline.Plan.Spec.ToString());
        if (baseline.Plan.Schedule is { } schedule)
        {
            json.WriteString("schedule", schedule.ToString());
        }
    }

    private static void WriteEpochs(Utf8JsonWriter json, IReadOnlyList<EpochReport> epochs)
    {
        json.WriteStartArray("epochs");
        foreach (EpochReport epoch in epochs)
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", epoch.Epoch);
            json.WriteNumber("steps", epoch.Steps);
            WriteNumber(json, "train_loss", epoch.TrainLoss);
            WriteNumber(json, "test_loss", epoch.TestLoss);
            WriteNumber(json, "test_error_pct", epoch.TestErrorPercent);
            WriteNumber(json, "train_seconds", epoch.TrainSeconds);
            WriteNumber(json, "evaluation_seconds", epoch.EvaluationSeconds);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSteps(Utf8JsonWriter json, TrainingHistory history)
    {
        json.WriteStartObject("steps");
        WriteIntegers(json, "step", history.Steps);
        WriteIntegers(json, "epoch", history.Epochs);
        json.WriteStartArray("loss");
        foreach (float loss in history.Losses)
        {
            JsonNumbers.Write(json, loss);
        }

        json.WriteEndArray();
        for (int column = 0; column < history.Columns.Count; column++)
        {
            json.WriteStartArray(history.Columns[column].Key);
            foreach (double value in history.ValuesOf(column))
            {
                JsonNumbers.Write(json, value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        JsonNumbers.Write(json, value);
    }

    private static void WriteIntegers(Utf8JsonWriter json, string name, IReadOnlyList<int> values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}

/// <summary>What a run's logs say about how it was started.</summary>
/// <param name="Tower">The tower's textual form with its initial hyperparameters.</param>
/// <param name="Data">Which dataset was used (<see cref="HyperGen.Training.Data.FashionMnistDataset.Description"/>).</param>
/// <param name="Seed">The run's seed.</param>
internal sealed record TrainRunInfo(string Tower, string Data, int Seed);
