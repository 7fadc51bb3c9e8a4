using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>
/// The value axis of a bar plot of test errors (Table 1's): from a round number just below the lowest bar's error bar
/// to just above the highest, rather than from 0. Test errors of 25 % to 35 % drawn from 0 leave two thirds of the
/// plot empty and their differences, the point of the table, a few pixels wide.
/// </summary>
/// <param name="Min">The axis's lower end: never below 0, for a percentage.</param>
/// <param name="Max">The axis's upper end.</param>
internal readonly record struct BarAxisRange(double Min, double Max)
{
    /// <summary>The room left beyond the outermost error bars, as a fraction of the data's extent.</summary>
    private const double Padding = 0.05;

    /// <summary>The range for bars of <paramref name="bars"/> (mean ± sd); null when no bar has a finite value.</summary>
    public static BarAxisRange? Around(IEnumerable<(double Mean, double StandardDeviation)> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        (double Low, double High)[] extents = bars
            .Where(b => double.IsFinite(b.Mean))
            .Select(b => double.IsFinite(b.StandardDeviation) ? (b.Mean - b.StandardDeviation, b.Mean + b.StandardDeviation) : (b.Mean, b.Mean))
            .ToArray();
        if (extents.Length == 0)
        {
            return null;
        }

        double low = extents.Min(e => e.Low);
        double high = extents.Max(e => e.High);

        // At least one percentage point: a single bar, or bars that agree, still get an axis a reader can scale by.
        double extent = Math.Max(high - low, 1);
        double step = NiceStep(extent / 10);
        double min = Math.Max(0, Math.Floor((low - (Padding * extent)) / step) * step);
        double max = Math.Ceiling((high + (Padding * extent)) / step) * step;
        return new BarAxisRange(min, max);
    }

    /// <summary>The largest of 1, 2 and 5 times a power of ten that is at most <paramref name="size"/>.</summary>
    private static double NiceStep(double size)
    {
        double decade = Math.Pow(10, Math.Floor(Math.Log10(size)));
        return size >= 5 * decade ? 5 * decade : size >= 2 * decade ? 2 * decade : decade;
    }
}
