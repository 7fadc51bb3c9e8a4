using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HyperGen.Cli.Reproduce;

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

    /// <summary>For example <c>12.34 ± 0.56</c>.</summary>
    public string Format(string format = "F2") =>
        Count == 0 ? "–" : $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {StandardDeviation.ToString(format, CultureInfo.InvariantCulture)}";
}
