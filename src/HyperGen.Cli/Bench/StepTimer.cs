using System;
using System.Diagnostics;

namespace HyperGen.Cli.Bench;

/// <summary>What <see cref="StepTimer"/> measured for one operation.</summary>
/// <param name="MedianMilliseconds">The median over the repetitions of the time per step.</param>
/// <param name="AllocatedBytesPerStep">The median over the repetitions of the bytes allocated per step, on all threads.</param>
/// <param name="Repetitions">How many timed repetitions the medians are over.</param>
/// <param name="StepsPerRepetition">How many steps each repetition ran.</param>
internal sealed record StepTiming(double MedianMilliseconds, double AllocatedBytesPerStep, int Repetitions, int StepsPerRepetition);

/// <summary>
/// Times an operation: warm-up first (until the JIT has settled and the buffers are in place), then repetitions
/// until the time budget is spent, each timed as a whole. Reports medians, which ignore the odd repetition that
/// another process interrupted.
/// </summary>
internal static class StepTimer
{
    /// <summary>At least this many timed repetitions, however long they take, so that a median means something.</summary>
    public const int MinRepetitions = 5;

    /// <summary>At most this many, so that tiny operations with a large budget stop.</summary>
    public const int MaxRepetitions = 2000;

    /// <summary>At least this many warm-up steps.</summary>
    private const int MinWarmupSteps = 3;

    /// <summary>Repetitions are sized so the budget holds about this many; short steps are grouped.</summary>
    private const int TargetRepetitions = 25;

    /// <summary>Measures <paramref name="step"/> for about <paramref name="budget"/> (plus a quarter for warm-up).</summary>
    public static StepTiming Measure(IMeasuredStep step, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(step);

        // Collect the previous operation's garbage now, so no collection lands inside a timed repetition.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        double warmStepSeconds = WarmUp(step, budget / 4);
        int stepsPerRepetition = (int)Math.Clamp(budget.TotalSeconds / TargetRepetitions / warmStepSeconds, 1, 1_000_000);

        var secondsPerStep = new double[MaxRepetitions];
        var bytesPerStep = new double[MaxRepetitions];
        int repetitions = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        while (repetitions < MaxRepetitions && (repetitions < MinRepetitions || Stopwatch.GetTimestamp() < deadline))
        {
            // Every thread's allocations count: a tower's worker threads as much as the caller's.
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < stepsPerRepetition; k++)
            {
                step.Step();
            }

            long end = Stopwatch.GetTimestamp();
            long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
            secondsPerStep[repetitions] = (end - start) / (double)Stopwatch.Frequency / stepsPerRepetition;
            bytesPerStep[repetitions] = (allocatedAfter - allocatedBefore) / (double)stepsPerRepetition;
            repetitions++;
        }

        return new StepTiming(
            Median(secondsPerStep.AsSpan(0, repetitions)) * 1e3,
            Median(bytesPerStep.AsSpan(0, repetitions)),
            repetitions,
            stepsPerRepetition);
    }

    /// <summary>
    /// Runs steps until both the minimum count and <paramref name="duration"/> are reached; returns the fastest
    /// step's seconds, the estimate least disturbed by the JIT and by other processes.
    /// </summary>
    private static double WarmUp(IMeasuredStep step, TimeSpan duration)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        double fastestSeconds = double.MaxValue;
        int steps = 0;
        do
        {
            long start = Stopwatch.GetTimestamp();
            step.Step();
            fastestSeconds = Math.Min(fastestSeconds, (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency);
            steps++;
        }
        while (steps < MinWarmupSteps || Stopwatch.GetTimestamp() < deadline);

        return Math.Max(fastestSeconds, 1e-9);
    }

    /// <summary>The median; sorts <paramref name="values"/> in place.</summary>
    internal static double Median(Span<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        values.Sort();
        int middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
