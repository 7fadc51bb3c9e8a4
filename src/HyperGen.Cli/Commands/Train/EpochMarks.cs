using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// Where a run's epochs show on the plot's step axis: a line between each epoch and the next (half a step after an
/// epoch's last step), and each epoch's test error at its last step.
/// </summary>
/// <param name="Boundaries">The x of each line between two epochs.</param>
/// <param name="TestErrors">Per epoch with recorded steps, its last step and its test error (%).</param>
internal sealed record EpochMarks(IReadOnlyList<double> Boundaries, IReadOnlyList<(double Step, double ErrorPercent)> TestErrors)
{
    /// <summary>The marks of <paramref name="history"/>: its steps and its epoch reports.</summary>
    public static EpochMarks Of(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var lastStep = new SortedDictionary<int, int>();
        for (int row = 0; row < history.Count; row++)
        {
            lastStep[history.Epochs[row]] = Math.Max(lastStep.GetValueOrDefault(history.Epochs[row]), history.Steps[row]);
        }

        double[] boundaries = lastStep.Keys.SkipLast(1).Select(epoch => lastStep[epoch] + 0.5).ToArray();
        (double, double)[] errors = history.EpochReports
            .Where(report => lastStep.ContainsKey(report.Epoch))
            .Select(report => ((double)lastStep[report.Epoch], report.TestErrorPercent))
            .ToArray();
        return new EpochMarks(boundaries, errors);
    }
}
