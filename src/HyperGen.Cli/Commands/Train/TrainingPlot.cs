using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// The PNG of a run: the batch loss per step on top, with each epoch's test error (dots, right axis) and dashed lines
/// between epochs, then one panel per learned hyperparameter (levels below the top; the top level's values are
/// constants and named in the title), all against the same step axis. Baselines add their loss and test error to the
/// top panel and their level-1 values to those panels, in their own colours. A panel whose values move by a tiny
/// fraction of their size shows them from a round offset (<see cref="AxisOffset"/>).
/// </summary>
internal static class TrainingPlot
{
    private const int Width = 1000;
    private const int PanelHeight = 240;

    /// <summary>Draws <paramref name="history"/> (and the baselines') and saves it as a PNG at <paramref name="path"/>.</summary>
    public static void Save(string path, string title, TrainingHistory history, IReadOnlyList<BaselineResult>? baselines = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        (string Name, TrainingHistory History, Color Color)[] runs =
        [
            ("tower", history, Colors.Gray),
            .. (baselines ?? []).Select((b, i) => (b.Plan.Name, b.History, BaselineColors[i % BaselineColors.Length])),
        ];

        int topLevel = history.Columns.Count == 0 ? 1 : history.Columns.Max(c => c.Level);
        int[] learned = Enumerable.Range(0, history.Columns.Count).Where(c => history.Columns[c].Level < topLevel).ToArray();

        PlotFonts.Use();
        var multiplot = new Multiplot();
        multiplot.AddPlots(1 + learned.Length);
        Plot[] panels = multiplot.GetPlots();
        multiplot.SharedAxes.ShareX(panels);

        EpochMarks marks = EpochMarks.Of(history);
        foreach (Plot panel in panels)
        {
            foreach (double boundary in marks.Boundaries)
            {
                ScottPlot.Plottables.VerticalLine line = panel.Add.VerticalLine(boundary, 1, Colors.Black.WithAlpha(0.25));
                line.LinePattern = LinePattern.Dashed;
            }
        }

        Plot loss = panels[0];
        foreach ((string name, TrainingHistory run, Color color) in runs)
        {
            AddLine(loss, Steps(run), run.Losses.Select(l => (double)l).ToArray(), color, runs.Length > 1 ? name : null);
            EpochMarks runMarks = EpochMarks.Of(run);
            if (runMarks.TestErrors.Count > 0)
            {
                var errors = loss.Add.Scatter(
                    runMarks.TestErrors.Select(e => e.Step).ToArray(), runMarks.TestErrors.Select(e => e.ErrorPercent).ToArray(), color);
                errors.Axes.YAxis = loss.Axes.Right;
                errors.MarkerSize = 8;
                errors.LineWidth = 1;
                errors.LinePattern = LinePattern.Dotted;
            }
        }

        loss.Title(title, size: 13);
        loss.YLabel("batch loss");
        loss.Axes.Right.Label.Text = "test error % (dots)";
        if (runs.Length > 1)
        {
            // Above the data, under the title: inside, it would cover a loss curve or a test error somewhere.
            loss.ShowLegend(Edge.Top);
            loss.Legend.Orientation = Orientation.Horizontal;
        }

        for (int i = 0; i < learned.Length; i++)
        {
            HyperColumn column = history.Columns[learned[i]];
            Plot panel = panels[1 + i];

            // A baseline trains level 1 alone: its values of the same name go in level 1's panels.
            var lines = runs
                .Select(run => (run.Color, Column: ColumnOf(run.History, column.Key), run.History))
                .Where(line => line.Column >= 0)
                .Select(line => (line.Color, Xs: Steps(line.History), Ys: line.History.ValuesOf(line.Column).ToArray(), Own: ReferenceEquals(line.History, history)))
                .ToArray();
            AxisOffset offset = AxisOffset.Choose(lines.SelectMany(line => line.Ys));
            foreach (var line in lines)
            {
                Color color = line.Own ? Colors.Category10[column.Level % 10] : line.Color;
                AddLine(panel, line.Xs, line.Ys.Select(offset.Apply).ToArray(), color, label: null);
            }

            // An offset title is longer than a panel is high at the default size.
            panel.YLabel(offset.Label(column.Key), size: offset.IsNone ? null : 11);
        }

        panels[^1].XLabel("step");

        // The same fixed margins in every panel line the data areas up, whatever the width of each y axis's labels;
        // the right margin holds the loss panel's test-error axis, the top one its title (and legend), for which the
        // loss panel is taller, so that its data area is as high as the others'.
        int[] tops = [.. panels.Select((_, i) => i > 0 ? 20 : runs.Length > 1 ? 95 : 40)];
        for (int i = 0; i < panels.Length; i++)
        {
            panels[i].Layout.Fixed(new PixelPadding(left: 110, right: 70, bottom: 40, top: tops[i]));
        }

        float[] heights = [.. tops.Select(top => (float)(PanelHeight - 20 + top))];
        var rows = new ScottPlot.MultiplotLayouts.DraggableRows();
        rows.SetHeights(heights);
        multiplot.Layout = rows;
        multiplot.SavePng(path, Width, (int)heights.Sum());
    }

    /// <summary>Colours of the baselines, after the tower's grey and level colours (Category10's orange, green, red, ...).</summary>
    private static readonly Color[] BaselineColors = [Colors.Category10[0], Colors.Category10[4], Colors.Category10[6]];

    private static double[] Steps(TrainingHistory history) => history.Steps.Select(s => (double)s).ToArray();

    private static int ColumnOf(TrainingHistory history, string key)
    {
        for (int c = 0; c < history.Columns.Count; c++)
        {
            if (history.Columns[c].Key == key)
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>A line through the finite points only: a diverged run ends in NaN, which would spoil the axis limits.</summary>
    private static void AddLine(Plot plot, double[] xs, double[] ys, Color color, string? label)
    {
        var finite = Enumerable.Range(0, Math.Min(xs.Length, ys.Length)).Where(i => double.IsFinite(ys[i])).ToArray();
        if (finite.Length == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(finite.Select(i => xs[i]).ToArray(), finite.Select(i => ys[i]).ToArray(), color);
        line.LineWidth = 1.5f;
        if (label is not null)
        {
            line.LegendText = label;
        }
    }
}
