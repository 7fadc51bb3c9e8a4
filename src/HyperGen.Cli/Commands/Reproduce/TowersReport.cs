using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// Writes the tower experiment's results: <c>towers.md</c> (final test error per step size and height),
/// <c>towers.json</c> (every seed) and <c>towers.png</c> (a heat map, step sizes across, heights up).
/// </summary>
internal static class TowersReport
{
    /// <summary>Writes the three files into <paramref name="directory"/>.</summary>
    public static void Write(string directory, ReproduceHeader header, int epochs, IReadOnlyList<TowerCell> cells)
    {
        File.WriteAllText(Path.Combine(directory, "towers.md"), Markdown(header, epochs, cells));
        WriteJson(Path.Combine(directory, "towers.json"), header, epochs, cells);
        SaveHeatMap(Path.Combine(directory, "towers.png"), header, epochs, cells);
    }

    /// <summary>The markdown table: one row per step size, one column per height.</summary>
    public static string Markdown(ReproduceHeader header, int epochs, IReadOnlyList<TowerCell> cells)
    {
        double[] stepSizes = cells.Select(c => c.StepSize).Distinct().ToArray();
        int[] heights = cells.Select(c => c.Height).Distinct().Order().ToArray();
        var text = new StringBuilder();
        header.AppendMarkdown(text);
        string statistics = cells.All(c => c.TestError.HasSpread) ? "mean ± sd over seeds" : "mean ± sd over seeds, or the one seed's value where n = 1";
        text.AppendLine(CultureInfo.InvariantCulture, $"Final test error % after {epochs} epochs ({statistics}; † a seed diverged).");
        text.AppendLine();
        text.Append("| step size |").AppendJoin("", heights.Select(h => $" height {h} |")).AppendLine();
        text.Append("|---|").AppendJoin("", heights.Select(_ => "---|")).AppendLine();
        foreach (double alpha in stepSizes)
        {
            text.Append("| ").Append(alpha.ToString("0e0", CultureInfo.InvariantCulture)).Append(" |");
            foreach (int height in heights)
            {
                TowerCell? cell = cells.FirstOrDefault(c => c.StepSize == alpha && c.Height == height);
                text.Append(' ').Append(cell is null ? "" : cell.TestError.Format() + (cell.DivergedCount > 0 ? " †" : "")).Append(" |");
            }

            text.AppendLine();
        }

        text.AppendLine();
        text.AppendLine("Height 1 is plain SGD; height h adds h - 1 SGD levels above it, initialised as in the paper's Section 3.4.");
        return text.ToString();
    }

    private static void WriteJson(string path, ReproduceHeader header, int epochs, IReadOnlyList<TowerCell> cells)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        header.WriteJson(json);
        json.WriteNumber("epochs", epochs);
        json.WriteStartArray("cells");
        foreach (TowerCell cell in cells)
        {
            json.WriteStartObject();
            json.WriteNumber("step_size", cell.StepSize);
            json.WriteNumber("height", cell.Height);
            json.WriteString("tower", cell.Spec.ToString());
            ReproduceJson.WriteStatistics(json, "test_error_pct", cell.TestError);
            json.WriteNumber("diverged", cell.DivergedCount);
            ReproduceJson.WriteSeeds(json, cell.Runs);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void SaveHeatMap(string path, ReproduceHeader header, int epochs, IReadOnlyList<TowerCell> cells)
    {
        double[] stepSizes = cells.Select(c => c.StepSize).Distinct().ToArray();
        int[] heights = cells.Select(c => c.Height).Distinct().Order().ToArray();

        // Row 0 of a ScottPlot heat map is drawn at the top: put the tallest tower there.
        PlotFonts.Use();
        var errors = new double[heights.Length, stepSizes.Length];
        var plot = new Plot();
        for (int row = 0; row < heights.Length; row++)
        {
            for (int column = 0; column < stepSizes.Length; column++)
            {
                TowerCell? cell = cells.FirstOrDefault(c => c.StepSize == stepSizes[column] && c.Height == heights[heights.Length - 1 - row]);
                errors[row, column] = cell?.TestError.Mean ?? double.NaN;
            }
        }

        // The cells are drawn as rectangles, one per (step size, height), so they sit exactly on the tick grid
        // whatever the count; the heat map plottable itself stays hidden and only drives the colour bar.
        var heatMap = plot.Add.Heatmap(errors);
        heatMap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatMap.IsVisible = false;
        double[] finite = errors.Cast<double>().Where(double.IsFinite).ToArray();
        double low = finite.Length > 0 ? finite.Min() : 0;
        double high = finite.Length > 0 ? finite.Max() : 1;
        for (int row = 0; row < heights.Length; row++)
        {
            for (int column = 0; column < stepSizes.Length; column++)
            {
                double value = errors[row, column];
                if (!double.IsFinite(value))
                {
                    continue;
                }

                double y = heights.Length - 1 - row;
                double fraction = high > low ? (value - low) / (high - low) : 0.5;
                var cell = plot.Add.Rectangle(column - 0.5, column + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = heatMap.Colormap.GetColor(fraction);
                cell.LineWidth = 0;
                var label = plot.Add.Text(value.ToString("F1", CultureInfo.InvariantCulture), column, y);
                label.LabelFontSize = 14;
                label.LabelFontColor = fraction > 0.6 ? Colors.Black : Colors.White;
                label.LabelAlignment = Alignment.MiddleCenter;
            }
        }

        plot.Add.ColorBar(heatMap).Label = "test error %";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            stepSizes.Select((s, i) => new Tick(i, s.ToString("0e0", CultureInfo.InvariantCulture))).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            heights.Select((h, i) => new Tick(i, h.ToString(CultureInfo.InvariantCulture))).ToArray());
        plot.XLabel("initial step size of level 1");
        plot.YLabel("tower height (SGD levels)");
        plot.Title(header.PlotTitle($"SGD towers, final test error after {epochs} epochs"), size: 13);
        plot.Axes.SetLimits(-0.5, stepSizes.Length - 0.5, -0.5, heights.Length - 0.5);
        plot.SavePng(path, 1000, 160 + 90 * heights.Length);
    }
}
