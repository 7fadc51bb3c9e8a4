using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace HyperGen.Cli.Training;

/// <summary>
/// The PNG of a run: the batch loss per step on top, then one panel per learned hyperparameter (levels below the
/// top; the top level's values are constants and named in the title), all against the same step axis.
/// </summary>
internal static class TrainingPlot
{
    private const int Width = 1000;
    private const int PanelHeight = 240;

    /// <summary>Draws <paramref name="history"/> and saves it as a PNG at <paramref name="path"/>.</summary>
    public static void Save(string path, string title, TrainingHistory history)
    {
        int topLevel = history.Columns.Count == 0 ? 1 : history.Columns.Max(c => c.Level);
        int[] learned = Enumerable.Range(0, history.Columns.Count).Where(c => history.Columns[c].Level < topLevel).ToArray();

        PlotFonts.Use();
        var multiplot = new Multiplot();
        multiplot.AddPlots(1 + learned.Length);
        Plot[] panels = multiplot.GetPlots();
        multiplot.SharedAxes.ShareX(panels);

        double[] steps = history.Steps.Select(s => (double)s).ToArray();
        Plot loss = panels[0];
        AddLine(loss, steps, history.Losses.Select(l => (double)l).ToArray(), Colors.Gray);
        loss.Title(title, size: 13);
        loss.YLabel("batch loss");

        for (int i = 0; i < learned.Length; i++)
        {
            HyperColumn column = history.Columns[learned[i]];
            Plot panel = panels[1 + i];
            AddLine(panel, steps, history.ValuesOf(learned[i]).ToArray(), Colors.Category10[column.Level % 10]);
            panel.YLabel(column.Key);
        }

        panels[^1].XLabel("step");

        // The same fixed margins in every panel line the data areas up, whatever the width of each y axis's labels.
        for (int i = 0; i < panels.Length; i++)
        {
            panels[i].Layout.Fixed(new PixelPadding(left: 110, right: 20, bottom: 40, top: i == 0 ? 40 : 20));
        }

        multiplot.SavePng(path, Width, PanelHeight * panels.Length);
    }

    /// <summary>A line through the finite points only: a diverged run ends in NaN, which would spoil the axis limits.</summary>
    private static void AddLine(Plot plot, double[] xs, double[] ys, Color color)
    {
        var finite = Enumerable.Range(0, Math.Min(xs.Length, ys.Length)).Where(i => double.IsFinite(ys[i])).ToArray();
        if (finite.Length == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(finite.Select(i => xs[i]).ToArray(), finite.Select(i => ys[i]).ToArray(), color);
        line.LineWidth = 1.5f;
    }
}
