using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HyperGen.Cli.Commands.Reproduce;

/// <summary>Mean and sample standard deviation of one quantity over seeds.</summary>
/// <param name="Mean">The mean; NaN when there are no values.</param>
/// <param name="StandardDeviation">The sample standard deviation (n - 1); 0 for a single value.</param>
/// <param name="Count">How many values.</param>
internal readonly record struct SeedStatistics(double Mean, double StandardDeviation, int Count)
{
    /// <summary>The statistics of <paramref name="values"/>.</summary>
    public static SeedStatistics Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new SeedStatistics(double.NaN, double.NaN, 0);
        }

        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new SeedStatistics(mean, sd, values.Count);
    }

    /// <summary>Whether the values have a spread to speak of: a single one has none to measure (its 0 is not a measured 0).</summary>
    public bool HasSpread => Count > 1;

    /// <summary>
    /// For example <c>12.34 ± 0.56</c>; <c>12.34 (n = 1)</c> for a single seed, whose spread is unknown rather
    /// than zero.
    /// </summary>
    public string Format(string format = "F2") => Count switch
    {
        0 => "–",
        1 => $"{Mean.ToString(format, CultureInfo.InvariantCulture)} (n = 1)",
        _ => $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {StandardDeviation.ToString(format, CultureInfo.InvariantCulture)}",
    };
}
