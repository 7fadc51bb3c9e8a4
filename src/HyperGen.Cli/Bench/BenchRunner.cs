using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;

namespace HyperGen.Cli.Bench;

/// <summary>
/// Runs a <see cref="BenchPlan"/> in this process: for each N, smallest first (so the kernels are compiled by the
/// JIT's optimizing tier before the long rows), the copy, plain Adam, then every tower.
/// </summary>
internal static class BenchRunner
{
    /// <summary>Runs the plan; writes a line per row to <paramref name="progress"/>.</summary>
    public static BenchReport Run(BenchPlan plan, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(progress);
        var clock = Stopwatch.StartNew();
        var machine = DescribeMachine();
        IReadOnlyList<BenchRow> rows = plan.Precision == "double" ? RunAll<double>(plan, progress) : RunAll<float>(plan, progress);
        return new BenchReport(plan, machine, rows, clock.Elapsed);
    }

    private static List<BenchRow> RunAll<T>(BenchPlan plan, TextWriter progress)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var rows = new List<BenchRow>();
        foreach (int n in plan.Sizes)
        {
            T[] initialWeights = BenchData.Weights<T>(n);
            T[] weights = new T[n];
            T[] gradients = BenchData.Gradients<T>(n);

            StepTiming copy = Measure(new BufferCopy<T>(gradients), plan, progress, BenchRow.CopyOperation, 0, n);
            double copyRate = (double)TrafficModel.CopyElements * plan.ElementSize * n / (copy.MedianMilliseconds * 1e-3) / 1e9;

            initialWeights.CopyTo(weights, 0);
            StepTiming plainAdam = Measure(new PlainAdam<T>(weights, gradients), plan, progress, BenchRow.PlainAdamOperation, 0, n);

            rows.Add(new BenchRow(BenchRow.CopyOperation, 0, n, copy, TrafficModel.CopyElements * plan.ElementSize, plainAdam.MedianMilliseconds, copyRate));
            rows.Add(new BenchRow(BenchRow.PlainAdamOperation, 0, n, plainAdam, TrafficModel.PlainAdamElements * plan.ElementSize, plainAdam.MedianMilliseconds, copyRate));

            foreach (OptimizerDefinition optimizer in plan.Optimizers)
            {
                foreach (int depth in plan.Depths)
                {
                    initialWeights.CopyTo(weights, 0);
                    var step = new TowerStep<T>(plan.Shape.Build(optimizer, depth), weights, gradients);
                    string name = optimizer.Name.ToLowerInvariant();
                    StepTiming timing = Measure(step, plan, progress, name, depth, n);
                    if (FirstNonFinite(weights) is int index)
                    {
                        progress.WriteLine(
                            $"hypergen: warning: {name} depth {depth}, N = {n}: weight {index} became non-finite during the run; its timing may not be representative");
                    }

                    rows.Add(new BenchRow(name, depth, n, timing, TrafficModel.TowerElements(optimizer, depth) * plan.ElementSize, plainAdam.MedianMilliseconds, copyRate));
                }
            }
        }

        return rows;
    }

    private static StepTiming Measure(IMeasuredStep step, BenchPlan plan, TextWriter progress, string operation, int depth, int n)
    {
        StepTiming timing = StepTimer.Measure(step, plan.Budget);
        string depthText = depth == 0 ? string.Empty : $" depth {depth}";
        progress.WriteLine(
            $"bench: {operation}{depthText}, N = {BenchFormat.Size(n)}: {BenchFormat.Milliseconds(timing.MedianMilliseconds)} ms " +
            $"(median of {timing.Repetitions} x {timing.StepsPerRepetition} steps)");
        return timing;
    }

    private static int? FirstNonFinite<T>(T[] values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return null;
    }

    private static BenchMachine DescribeMachine() => new(
        CpuModel(),
        Environment.ProcessorCount,
        ParallelBlocks.Parallelism,
        Vector<byte>.Count * 8,
        $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}",
        DateTime.UtcNow);

    /// <summary>The "model name" of /proc/cpuinfo on Linux; elsewhere the architecture.</summary>
    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        try
        {
            if (File.Exists(CpuInfo))
            {
                string? line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is int colon and >= 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // An unreadable cpuinfo only costs the report its processor name.
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
