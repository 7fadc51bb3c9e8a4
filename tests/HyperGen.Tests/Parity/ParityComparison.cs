using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using HyperGen.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace HyperGen.Tests.Parity;

/// <summary>
/// Compares a <c>hypergen trace</c> run with the reference trace, value by value: every step's loss, every level's
/// every hyperparameter (user domain, by name) and the final weights, each against
/// <c>|x - y| &lt;= Relative * max(|x|, |y|) + Floor</c>. Records the worst relative error and where it happened.
/// </summary>
/// <param name="relative">The relative tolerance.</param>
/// <param name="floor">The absolute floor for hyperparameters.</param>
/// <param name="problemFloor">The absolute floor for losses and weights; <paramref name="floor"/> when not given.</param>
internal sealed class ParityComparison(double relative, double floor, double? problemFloor = null)
{
    private readonly List<string> _failures = [];

    public double Relative { get; } = relative;

    public double Floor { get; } = floor;

    public double ProblemFloor { get; } = problemFloor ?? floor;

    public int Count { get; private set; }

    /// <summary>Largest |x - y| / max(|x|, |y|) over values with max(|x|, |y|) &gt; Floor (smaller ones are noise).</summary>
    public double WorstRelative { get; private set; }

    public string WorstWhere { get; private set; } = "(every value bit-identical)";

    /// <summary>Largest |x - y| / (Relative * max(|x|, |y|) + Floor): the fraction of the tolerance used (&lt;= 1 passes).</summary>
    public double WorstToleranceUsed { get; private set; }

    public IReadOnlyList<string> Failures => _failures;

    public void Check(string where, double expected, double actual) => Check(where, expected, actual, Floor);

    public void Check(string where, double expected, double actual, double floor)
    {
        Count++;
        double scale = Math.Max(Math.Abs(expected), Math.Abs(actual));
        double difference = Math.Abs(expected - actual);
        bool ok;
        if (double.IsNaN(expected) || double.IsNaN(actual) || double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            // Both sides must agree exactly on a non-finite value (and a finite run must not turn non-finite).
            ok = expected.Equals(actual);
            difference = ok ? 0 : double.PositiveInfinity;
            scale = ok ? 0 : 1;
        }
        else
        {
            ok = difference <= (Relative * scale) + floor;
        }

        double used = difference / ((Relative * scale) + floor);
        if (used > WorstToleranceUsed)
        {
            WorstToleranceUsed = used;
        }

        if (scale > floor && difference / scale > WorstRelative)
        {
            WorstRelative = difference / scale;
            WorstWhere = where;
        }

        if (!ok)
        {
            _failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{where}: expected (reference) {expected:R}, actual (hypergen) {actual:R}, |diff| = {difference:E3}, relative {(scale > 0 ? difference / scale : 0):E3}"));
        }
    }

    /// <summary>Checks every loss, hyperparameter and final weight of <paramref name="actual"/> against <paramref name="expected"/>.</summary>
    public void CompareTraces(ReferenceTrace expected, CliTraceResult actual)
    {
        Assert.Equal(expected.Steps.Count, actual.Steps.Count);
        for (int s = 0; s < expected.Steps.Count; s++)
        {
            ReferenceStep e = expected.Steps[s];
            CliStep a = actual.Steps[s];
            Assert.Equal(e.T, a.T);
            Check($"t={e.T} loss", e.Loss, a.Loss, ProblemFloor);
            Assert.Equal(e.Levels.Count, a.Levels.Count);
            for (int k = 0; k < e.Levels.Count; k++)
            {
                // The same hyperparameters by name on both sides: none missing, none extra.
                Assert.Equal(e.Levels[k].Keys.Order(StringComparer.Ordinal), a.Levels[k].Keys.Order(StringComparer.Ordinal));
                foreach (var (name, value) in e.Levels[k])
                {
                    Check($"t={e.T} level {k + 1} {name}", value, a.Levels[k][name]);
                }
            }
        }

        Assert.Equal(expected.FinalWeights.Length, actual.FinalWeights.Length);
        for (int i = 0; i < expected.FinalWeights.Length; i++)
        {
            Check($"final w[{i}]", expected.FinalWeights[i], actual.FinalWeights[i], ProblemFloor);
        }
    }

    /// <summary>One line for the test output, plus the first mismatches, if any.</summary>
    public string Summary(string what)
    {
        var text = new StringBuilder(string.Create(
            CultureInfo.InvariantCulture,
            $"{what}: {Count} values compared, worst relative error {WorstRelative:E3} at {WorstWhere}; worst fraction of tolerance used {WorstToleranceUsed:E3}"));
        foreach (string failure in _failures.Take(5))
        {
            text.AppendLine().Append("  MISMATCH ").Append(failure);
        }

        return text.ToString();
    }

    /// <summary>Fails with the first few mismatches, or passes.</summary>
    public void AssertAllWithinTolerance(string what)
    {
        if (_failures.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.AppendLine(CultureInfo.InvariantCulture, $"{what}: {_failures.Count} of {Count} values differ beyond {Relative:E1} relative + {Floor:E1} (losses and weights: + {ProblemFloor:E1}):");
        foreach (string failure in _failures.Take(15))
        {
            message.AppendLine(failure);
        }

        Assert.Fail(message.ToString());
    }
}

/// <summary>Checks that make a passing parity test mean something: the run learned, and it did not blow up.</summary>
internal static class ParityRunChecks
{
    /// <summary>
    /// Every level below the top (the top's hyperparameters are fixed by design) must have a hyperparameter whose
    /// value after the last step differs from its initial value by at least <paramref name="minimumRelativeMove"/>,
    /// or agreement would say nothing about the hypergradients. Writes every hyperparameter's move.
    /// </summary>
    public static void AssertLowerLevelsLearned(ReferenceTrace trace, ITestOutputHelper output, double minimumRelativeMove = 1e-3)
    {
        ReferenceStep first = trace.Steps[0];
        ReferenceStep last = trace.Steps[^1];
        int depth = first.Levels.Count;
        for (int k = 0; k < depth; k++)
        {
            double largest = 0;
            foreach (var (name, start) in first.Levels[k])
            {
                double end = last.Levels[k][name];
                double move = start == 0 ? Math.Abs(end) : Math.Abs(end - start) / Math.Abs(start);
                largest = Math.Max(largest, move);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  level {k + 1} {name}: {start:G6} -> {end:G6} (relative move {move:E2})"));
            }

            if (k < depth - 1)
            {
                Assert.True(
                    largest >= minimumRelativeMove,
                    $"level {k + 1}'s hyperparameters barely moved (largest relative move {largest:E2}); the test would not exercise the hypergradients");
            }
            else
            {
                Assert.True(largest == 0, $"the top level's hyperparameters must stay fixed, but moved by {largest:E2}");
            }
        }
    }

    /// <summary>Every value finite, and the loss after training lower than at the start.</summary>
    public static void AssertConverging(ReferenceTrace trace, ITestOutputHelper output)
    {
        foreach (ReferenceStep step in trace.Steps)
        {
            Assert.True(double.IsFinite(step.Loss), $"reference loss at t={step.T} is {step.Loss}: the run diverged");
            for (int k = 0; k < step.Levels.Count; k++)
            {
                foreach (var (name, value) in step.Levels[k])
                {
                    Assert.True(double.IsFinite(value), $"reference level {k + 1} {name} at t={step.T} is {value}: the run diverged");
                }
            }
        }

        double firstLoss = trace.Steps[0].Loss;
        double lastLoss = trace.Steps[^1].Loss;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loss {firstLoss:G6} -> {lastLoss:G6}"));
        Assert.True(lastLoss < firstLoss, $"the run did not train: loss {firstLoss} -> {lastLoss}");
    }
}
