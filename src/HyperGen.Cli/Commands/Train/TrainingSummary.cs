using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HyperGen.Training;
using Spectre.Console;

namespace HyperGen.Cli.Commands.Train;

/// <summary>The end-of-run report: a table per epoch, a table of every level's initial and final hyperparameters, and the headline numbers.</summary>
internal static class TrainingSummary
{
    /// <summary>Writes the report for <paramref name="run"/>, and the baselines beside it when there are any, to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, TowerRunResult run, IReadOnlyList<BaselineResult>? baselines = null)
    {
        var epochs = new Table().Title("epochs")
            .AddColumns("epoch", "train loss", "test loss", "test error %", "train s", "steps/s");
        foreach (EpochReport epoch in run.Training.Epochs)
        {
            epochs.AddRow(
                Number(epoch.Epoch, "D"), Number(epoch.TrainLoss, "F4"), Number(epoch.TestLoss, "F4"),
                Number(epoch.TestErrorPercent, "F2"), Number(epoch.TrainSeconds, "F2"), Number(epoch.Steps / epoch.TrainSeconds, "F1"));
        }

        foreach (TableColumn column in epochs.Columns)
        {
            column.RightAligned();
        }

        console.Write(epochs);

        var levels = new Table().Title("hyperparameters").AddColumns("level", "optimizer", "initial", "final");
        for (int level = 0; level < run.Spec.Depth; level++)
        {
            LevelSpec spec = run.Spec.Levels[level];
            IReadOnlyList<KeyValuePair<string, double>> final = run.FinalLevels[level];
            levels.AddRow(
                Number(level + 1, "D"),
                Markup.Escape(spec.Definition.Name.ToLowerInvariant()),
                Markup.Escape(Describe(final.Select((pair, j) => new KeyValuePair<string, double>(pair.Key, spec.InitialValues[j])))),
                Markup.Escape(Describe(final)));
        }

        console.Write(levels);
        for (int level = 0; level < run.BoundHits.Count; level++)
        {
            if (run.BoundHits[level].Length > 0)
            {
                console.WriteLine($"level {level + 1}{run.BoundHits[level]}");
            }
        }

        if (baselines is { Count: > 0 })
        {
            WriteComparison(console, run, baselines);
        }

        console.WriteLine(
            run.Refusal is not null ? $"stopped: the tower refused a step, weights kept: {run.Refusal}"
            : run.Training.Diverged ? "stopped: the loss became non-finite (a hyper-step size too large?)"
            : "done");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test error {run.Training.TestErrorPercent:F2} %  seconds/epoch {run.Training.MeanSecondsPerEpoch:F2}  epochs {run.Training.Epochs.Count}"));
    }

    /// <summary>The tower and each baseline side by side: the last epoch's losses and test error, the level-1 values at the end.</summary>
    private static void WriteComparison(IAnsiConsole console, TowerRunResult run, IReadOnlyList<BaselineResult> baselines)
    {
        var table = new Table().Title("against the baselines (same initial weights and batches)")
            .AddColumns("run", "train loss", "test loss", "test error %", "s/epoch", "level 1 at the end");
        void Row(string name, TowerRunResult result)
        {
            EpochReport last = result.Training.Epochs[^1];
            string stopped = result.Training.Diverged ? " (stopped)" : "";
            table.AddRow(
                Markup.Escape(name + stopped), Number(last.TrainLoss, "F4"), Number(last.TestLoss, "F4"),
                Number(last.TestErrorPercent, "F2"), Number(result.Training.MeanSecondsPerEpoch, "F2"),
                Markup.Escape(Describe(result.FinalLevels[0])));
        }

        Row("tower", run);
        foreach (BaselineResult baseline in baselines)
        {
            Row(baseline.Plan.Name, baseline.Run);
        }

        for (int c = 1; c < 5; c++)
        {
            table.Columns[c].RightAligned();
        }

        console.Write(table);
    }

    private static string Describe(IEnumerable<KeyValuePair<string, double>> values) =>
        string.Join("  ", values.Select(v => v.Key + "=" + v.Value.ToString("G5", CultureInfo.InvariantCulture)));

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Number(int value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
