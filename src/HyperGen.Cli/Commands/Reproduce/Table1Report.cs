using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// Writes Table 1's results: <c>table1.md</c> (mean ± sd test error, seconds per epoch, learned hyperparameters,
/// the difference to the family's plain row and to the re-run, the paper's MNIST number), <c>table1.json</c> (every
/// seed's numbers) and <c>table1.png</c> (test error per row with the seeds' spread, on an axis that starts near the
/// lowest error, <see cref="BarAxisRange"/>).
/// </summary>
internal static class Table1Report
{
    /// <summary>Writes the three files into <paramref name="directory"/>.</summary>
    public static void Write(string directory, ReproduceHeader header, IReadOnlyList<Table1RowResult> results)
    {
        File.WriteAllText(Path.Combine(directory, "table1.md"), Markdown(header, results));
        WriteJson(Path.Combine(directory, "table1.json"), header, results);
        SavePlot(Path.Combine(directory, "table1.png"), header, results);
    }

    /// <summary>The markdown table, headed by the command, data and seeds it came from.</summary>
    public static string Markdown(ReproduceHeader header, IReadOnlyList<Table1RowResult> results)
    {
        var text = new StringBuilder();
        header.AppendMarkdown(text);
        text.AppendLine("| stack | tower | epochs | test error % | s/epoch | learned level 1 (mean) | Δ vs plain | Δ vs re-run | paper, MNIST |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.Count; i++)
        {
            Table1RowResult row = results[i];
            string learned = row.Row.IsHyperoptimized && row.MeanFinalLevel1 is { } values
                ? string.Join(", ", values.Select(p => p.Key + "=" + p.Value.ToString("G4", CultureInfo.InvariantCulture)))
                : "";
            string diverged = row.DivergedCount > 0 ? $" ({row.DivergedCount} diverged)" : "";
            text.Append("| ").Append(row.Row.IsRerun ? "↳ " + row.Label : row.Label)
                .Append(" | `").Append(row.Spec?.ToString() ?? "not run").Append('`')
                .Append(" | ").Append(row.Epochs.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(row.TestError.Format()).Append(diverged)
                .Append(" | ").Append(row.SecondsPerEpoch.Format())
                .Append(" | ").Append(learned)
                .Append(" | ").Append(Difference(row, PlainRowOf(results, i)))
                .Append(" | ").Append(row.Row.IsHyperoptimized && i + 1 < results.Count ? Difference(row, results[i + 1]) : "")
                .Append(" | ").Append(row.Row.PaperMnist)
                .AppendLine(" |");
        }

        text.AppendLine();
        text.AppendLine(results.All(r => r.TestError.HasSpread)
            ? "Δ: this row's mean test error minus the other row's (negative: this row is better); **bold** when the gap is larger than the two rows' standard deviations added."
            : "Δ: this row's mean test error minus the other row's (negative: this row is better); **bold** when the gap is larger than the two rows' standard deviations added, which needs two seeds or more (n = 1: no spread is known, nothing is bold).");
        return text.ToString();
    }

    /// <summary>The family's first row (its plain optimizer from the default hyperparameters), if it ran and is not <paramref name="index"/> itself.</summary>
    private static Table1RowResult? PlainRowOf(IReadOnlyList<Table1RowResult> results, int index)
    {
        Table1RowResult row = results[index];
        if (!row.Row.IsHyperoptimized && !row.Row.IsRerun)
        {
            return null;
        }

        return results.FirstOrDefault(r => r.Row.Group == row.Row.Group && !r.Row.IsHyperoptimized && !r.Row.IsRerun);
    }

    private static string Difference(Table1RowResult row, Table1RowResult? other)
    {
        if (other is null || row.TestError.Count == 0 || other.TestError.Count == 0)
        {
            return "";
        }

        double delta = row.TestError.Mean - other.TestError.Mean;
        string text = delta.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);

        // One seed has no known spread: its 0 would make every gap look larger than the noise.
        bool beyondSpread = row.TestError.HasSpread && other.TestError.HasSpread
            && Math.Abs(delta) > row.TestError.StandardDeviation + other.TestError.StandardDeviation;
        return beyondSpread ? $"**{text}**" : text;
    }

    private static void WriteJson(string path, ReproduceHeader header, IReadOnlyList<Table1RowResult> results)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        header.WriteJson(json);
        json.WriteStartArray("rows");
        foreach (Table1RowResult row in results)
        {
            json.WriteStartObject();
            json.WriteString("group", row.Row.Group);
            json.WriteString("stack", row.Label);
            json.WriteString("paper_label", row.Row.Label);
            json.WriteString("tower", row.Spec?.ToString());
            json.WriteNumber("epochs", row.Epochs);
            ReproduceJson.WriteStatistics(json, "test_error_pct", row.TestError);
            ReproduceJson.WriteStatistics(json, "seconds_per_epoch", row.SecondsPerEpoch);
            json.WriteNumber("diverged", row.DivergedCount);
            json.WriteString("paper_mnist", row.Row.PaperMnist);
            ReproduceJson.WriteSeeds(json, row.Runs);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void SavePlot(string path, ReproduceHeader header, IReadOnlyList<Table1RowResult> results)
    {
        PlotFonts.Use();
        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (int i = 0; i < results.Count; i++)
        {
            Table1RowResult row = results[i];
            double position = results.Count - 1 - i; // the paper's first row on top
            Color color = row.Row.IsRerun ? Colors.Gray : row.Row.IsHyperoptimized ? Colors.C1 : Colors.C0;
            if (row.TestError.Count > 0)
            {
                bars.Add(new Bar
                {
                    Position = position,
                    Value = row.TestError.Mean,
                    Error = row.TestError.StandardDeviation,
                    FillColor = color,
                    Orientation = Orientation.Horizontal,
                });
            }

            ticks.Add(new Tick(position, row.Row.IsRerun ? "re-run: " + row.Label : row.Label));
        }

        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0.02, top: 0.02);
        if (BarAxisRange.Around(bars.Select(b => (b.Value, b.Error))) is { } range)
        {
            plot.Axes.SetLimitsX(range.Min, range.Max);
        }

        plot.XLabel("test error % (mean ± sd over seeds)");
        plot.Title(header.PlotTitle("Table 1 on Fashion-MNIST"), size: 13);

        // Above the bars, under the title: inside the data area it covered the bars of the last rows.
        plot.Legend.ManualItems.AddRange([
            new LegendItem { LabelText = "plain optimizer", FillColor = Colors.C0 },
            new LegendItem { LabelText = "hyperoptimized", FillColor = Colors.C1 },
            new LegendItem { LabelText = "plain, from the learned values", FillColor = Colors.Gray },
        ]);
        plot.ShowLegend(Edge.Top);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.SavePng(path, 1100, 160 + 26 * results.Count);
    }
}
