using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ScottPlot;

namespace TorchSharpCnn;

/// <summary>One optimizer of the comparison: the label the paper uses, and the tower (or torch.optim.Adam).</summary>
internal sealed record ComparisonRow(string Label, string Optimizer, bool Hyperoptimized);

/// <summary>
/// The paper's Section 3.3 comparison on a CNN, with TorchSharp's own Adam in the same run as the baseline: every
/// optimizer, every seed, the same epochs, seeds interleaved so that a change in the machine's load falls on all rows.
/// </summary>
internal static class Comparison
{
    public static readonly ComparisonRow[] PaperRows =
    [
        new("torch.optim.Adam", Training.TorchAdam, false),
        new("Adam", "adam(alpha=1e-3)", false),
        new("Adam / SGD(1e-5)", "adam(alpha=1e-3)/sgd(alpha=1e-5)", true),
        new("Adam / Adam", "adam(alpha=1e-3)/adam(alpha=1e-3)", true),
        new("SGD", "sgd(alpha=0.01)", false),
        new("SGD / SGD", "sgd(alpha=0.01)/sgd(alpha=0.01)", true),
    ];

    public static void Run(IReadOnlyList<ComparisonRow> rows, int[] seeds, int epochs, int batchSize, ImageTensors train, ImageTensors test, string data, string output)
    {
        var runs = rows.ToDictionary(r => r, _ => new List<List<EpochResult>>());
        DateTime started = DateTime.UtcNow;
        foreach (int seed in seeds)
        {
            foreach (ComparisonRow row in rows)
            {
                List<EpochResult> run = Training.Run(row.Optimizer, seed, epochs, batchSize, train, test);
                runs[row].Add(run);
                EpochResult last = run[^1];
                string alpha = last.Alpha is double value ? string.Create(CultureInfo.InvariantCulture, $", alpha {value:G4}") : "";
                string diverged = last.RefusedStep is long step ? $", DIVERGED: step {step} refused" : "";
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{row.Label,-18} seed {seed}: test error {last.TestErrorPercent:F2} %, {MedianSeconds(run):F2} s per epoch{alpha}{diverged}"));
            }
        }

        // Median epoch times, over the complete epochs of every seed: robust to a moment of load on a shared machine.
        double baseline = MedianSeconds(runs[rows[0]].SelectMany(r => r));
        var summary = rows.Select(row =>
        {
            // A diverged seed counts with the test error of the weights it stopped at, as `hypergen reproduce` does.
            double[] errors = runs[row].Select(r => r[^1].TestErrorPercent).ToArray();
            double seconds = MedianSeconds(runs[row].SelectMany(r => r));
            int diverged = runs[row].Count(r => r[^1].Diverged);
            return (Row: row, Mean: errors.Average(), Sd: StandardDeviation(errors), Seconds: seconds, Ratio: seconds / baseline, Errors: errors, Diverged: diverged);
        }).ToArray();

        Console.WriteLine();
        Console.WriteLine($"| optimizer | test error % (mean ± sd, {seeds.Length} seeds) | median seconds per epoch | vs torch.optim.Adam |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var s in summary)
        {
            string diverged = s.Diverged > 0 ? $" ({s.Diverged} diverged)" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Row.Label} | {s.Mean:F2} ± {s.Sd:F2}{diverged} | {s.Seconds:F2} | {s.Ratio:F3}x |"));
        }

        Directory.CreateDirectory(output);
        string json = Path.Combine(output, "torchsharp-cnn.json");
        using (var stream = File.Create(json))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("data", data);
            writer.WriteString("started_utc", started.ToString("u", CultureInfo.InvariantCulture));
            writer.WriteNumber("epochs", epochs);
            writer.WriteNumber("batch_size", batchSize);
            writer.WriteStartArray("rows");
            foreach (var s in summary)
            {
                writer.WriteStartObject();
                writer.WriteString("optimizer", s.Row.Label);
                writer.WriteString("spec", s.Row.Optimizer);
                writer.WriteNumber("test_error_pct_mean", s.Mean);
                writer.WriteNumber("test_error_pct_sd", s.Sd);
                writer.WriteNumber("median_seconds_per_epoch", s.Seconds);
                writer.WriteNumber("epoch_time_vs_torch_adam", s.Ratio);
                writer.WriteNumber("diverged", s.Diverged);
                writer.WriteStartArray("seeds");
                for (int i = 0; i < seeds.Length; i++)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("seed", seeds[i]);
                    writer.WriteNumber("test_error_pct", s.Errors[i]);
                    if (runs[s.Row][i][^1].RefusedStep is long refused)
                    {
                        writer.WriteNumber("refused_step", refused);
                    }

                    writer.WriteStartArray("epochs");
                    foreach (EpochResult e in runs[s.Row][i])
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("epoch", e.Epoch);
                        writer.WriteNumber("seconds", e.Seconds);
                        writer.WriteNumber("train_loss", e.TrainLoss);
                        writer.WriteNumber("test_error_pct", e.TestErrorPercent);
                        if (e.Alpha is double alpha)
                        {
                            writer.WriteNumber("alpha", alpha);
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        string image = Path.Combine(output, "..", "images", "torchsharp-cnn.png");
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        SavePlot(image, summary.Select(s => (s.Row, s.Mean, s.Sd, s.Diverged)).ToArray(), train.Count, epochs, seeds.Length);
        Console.WriteLine($"Wrote {json} and {Path.GetFullPath(image)}");
    }

    /// <summary>The median time of the complete epochs (a diverged run's last epoch stopped early).</summary>
    private static double MedianSeconds(IEnumerable<EpochResult> epochs)
    {
        double[] seconds = epochs.Where(e => !e.Diverged).Select(e => e.Seconds).Order().ToArray();
        if (seconds.Length == 0)
        {
            return double.NaN;
        }

        int middle = seconds.Length / 2;
        return seconds.Length % 2 == 1 ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2;
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>Horizontal bars of mean ± sd, plain optimizers in C0 and hyperoptimized ones in C1, as the CLI's Table 1 plot.</summary>
    private static void SavePlot(string path, (ComparisonRow Row, double Mean, double Sd, int Diverged)[] rows, long train, int epochs, int seeds)
    {
        string font = Path.Combine(AppContext.BaseDirectory, "Assets", "Fonts", "DejaVuSans.ttf");
        if (File.Exists(font))
        {
            foreach ((bool bold, bool italic) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                Fonts.AddFontFile("DejaVu Sans", font, bold, italic);
            }

            Fonts.Default = "DejaVu Sans";
        }

        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (int i = 0; i < rows.Length; i++)
        {
            double position = rows.Length - 1 - i;
            bars.Add(new Bar
            {
                Position = position,
                Value = rows[i].Mean,
                Error = rows[i].Sd,
                FillColor = rows[i].Row.Optimizer == Training.TorchAdam ? Colors.Gray : rows[i].Row.Hyperoptimized ? Colors.C1 : Colors.C0,
                Orientation = Orientation.Horizontal,
            });
            ticks.Add(new Tick(position, rows[i].Row.Label + (rows[i].Diverged > 0 ? $" ({rows[i].Diverged} diverged)" : "")));
        }

        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0.02, top: 0.02);
        double low = rows.Min(r => r.Mean - r.Sd);
        double high = rows.Max(r => r.Mean + r.Sd);
        plot.Axes.SetLimitsX(Math.Max(0, low - ((high - low) * 0.15) - 0.5), high + ((high - low) * 0.1) + 0.2);
        plot.XLabel($"test error % after {epochs} epochs (mean ± sd over {seeds} seeds)");
        plot.Title($"LeNet on Fashion-MNIST in TorchSharp, {train} training images", size: 13);
        plot.Legend.ManualItems.AddRange([
            new LegendItem { LabelText = "torch.optim.Adam", FillColor = Colors.Gray },
            new LegendItem { LabelText = "HyperGen, plain", FillColor = Colors.C0 },
            new LegendItem { LabelText = "HyperGen, hyperoptimized", FillColor = Colors.C1 },
        ]);
        plot.ShowLegend(Edge.Top);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.SavePng(path, 1100, 160 + (30 * rows.Length));
    }
}
