using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace HyperGen.Bench;

/// <summary>What <see cref="StepTimer"/> measured for one operation.</summary>
/// <param name="MedianMilliseconds">The median over the repetitions of the time per step.</param>
/// <param name="AllocatedBytesPerStep">The median over the repetitions of the bytes allocated per step, on all threads.</param>
/// <param name="Repetitions">How many timed repetitions the medians are over.</param>
/// <param name="StepsPerRepetition">How many steps each repetition ran.</param>
internal sealed record StepTiming(double MedianMilliseconds, double AllocatedBytesPerStep, int Repetitions, int StepsPerRepetition);

/// <summary>
/// Times operations: warm-up first (until the JIT has settled and the buffers are in place), then repetitions
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
    public static StepTiming Measure(IMeasuredStep step, TimeSpan budget) => MeasureInterleaved([step], budget)[0];

    /// <summary>
    /// Measures several operations for about <paramref name="budget"/> each (plus a quarter for warm-up), their
    /// repetitions taken in turns: operation 1, 2, ..., 1, 2, ... so that every operation sees the same share of
    /// whatever else the machine is doing, and the ratios between them hold even when the load changes.
    /// </summary>
    public static StepTiming[] MeasureInterleaved(IReadOnlyList<IMeasuredStep> steps, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(steps);

        // Collect the previous operations' garbage now, so no collection lands inside a timed repetition.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        int count = steps.Count;
        var stepsPerRepetition = new int[count];
        for (int i = 0; i < count; i++)
        {
            double warmStepSeconds = WarmUp(steps[i], budget / 4);
            stepsPerRepetition[i] = (int)Math.Clamp(budget.TotalSeconds / TargetRepetitions / warmStepSeconds, 1, 1_000_000);
        }

        var secondsPerStep = new double[count, MaxRepetitions];
        var bytesPerStep = new double[count, MaxRepetitions];
        int repetitions = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * count * Stopwatch.Frequency);
        while (repetitions < MaxRepetitions && (repetitions < MinRepetitions || Stopwatch.GetTimestamp() < deadline))
        {
            for (int i = 0; i < count; i++)
            {
                IMeasuredStep step = steps[i];
                int batch = stepsPerRepetition[i];

                // Every thread's allocations count: a tower's worker threads as much as the caller's.
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                long start = Stopwatch.GetTimestamp();
                for (int k = 0; k < batch; k++)
                {
                    step.Step();
                }

                // A device step only enqueues: the repetition ends when the device has run it.
                (step as IDeviceStep)?.Synchronize();
                long end = Stopwatch.GetTimestamp();
                long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
                secondsPerStep[i, repetitions] = (end - start) / (double)Stopwatch.Frequency / batch;
                bytesPerStep[i, repetitions] = (allocatedAfter - allocatedBefore) / (double)batch;
            }

            repetitions++;
        }

        var timings = new StepTiming[count];
        for (int i = 0; i < count; i++)
        {
            timings[i] = new StepTiming(
                Median(Row(secondsPerStep, i, repetitions)) * 1e3,
                Median(Row(bytesPerStep, i, repetitions)),
                repetitions,
                stepsPerRepetition[i]);
        }

        return timings;
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
            (step as IDeviceStep)?.Synchronize();
            fastestSeconds = Math.Min(fastestSeconds, (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency);
            steps++;
        }
        while (steps < MinWarmupSteps || Stopwatch.GetTimestamp() < deadline);

        return Math.Max(fastestSeconds, 1e-9);
    }

    private static Span<double> Row(double[,] values, int row, int length)
    {
        var copy = new double[length];
        for (int j = 0; j < length; j++)
        {
            copy[j] = values[row, j];
        }

        return copy;
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
