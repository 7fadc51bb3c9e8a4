using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.DeviceCheck;

/// <summary>
/// Times one optimizer step of Adam towers of several depths on the device (with the non-finite checks, as towers
/// are created by default, and without them at two depths), and a device copy of the same size for the bandwidth
/// reference. A step's time is the wall time of many steps enqueued back to back and one final
/// synchronisation, divided by their number. The enqueue time (the host's time inside Step) and the host bytes
/// allocated per step come with it: an enqueue time far below the step time shows that a step never waits for
/// the device.
/// </summary>
internal static class StepBenchmark
{
    public static BenchResults Run(GpuDevice device, int[] log2Sizes, int[] depths, int steps, TextWriter output)
    {
        Accelerator accelerator = device.Accelerator;
        var results = new BenchResults(device.Description, DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"{"case",-28} {"ms/step",10} {"enqueue us",11} {"host B/step",12}");
        foreach (int log2 in log2Sizes)
        {
            int n = 1 << log2;
            using MemoryBuffer1D<float, Stride1D.Dense> weights = accelerator.Allocate1D<float>(n);
            using MemoryBuffer1D<float, Stride1D.Dense> gradients = accelerator.Allocate1D<float>(n);
            weights.MemSetToZero();
            FillGradients(accelerator, gradients, n);

            double copy = TimeCopy(accelerator, weights, gradients, steps);
            results.Add(new BenchCase("copy", 0, log2, copy, 0, 0));
            output.WriteLine($"{$"device copy 2^{log2}",-28} {copy,10:F4} {"",11} {"",12}");

            foreach (int depth in depths)
            {
                TowerSpec spec = TowerSpec.Parse(AdamTower(depth));
                using var tower = new GpuTower<float>(accelerator, spec, n);
                var (ms, enqueueUs, bytes) = TimeSteps(accelerator, tower, weights, gradients, steps);
                results.Add(new BenchCase("hypergen-adam", depth, log2, ms, enqueueUs, bytes));
                output.WriteLine($"{$"adam depth {depth} 2^{log2}",-28} {ms,10:F4} {enqueueUs,11:F1} {bytes,12}");
            }

            // What the non-finite checks cost: the same towers with them off, at the shallowest depth (the gradient
            // scan) and at depth 3 (the small launches around the upper levels).
            foreach (int depth in depths.Where(d => d == depths.Min() || d == 3).Distinct())
            {
                using var tower = new GpuTower<float>(accelerator, TowerSpec.Parse(AdamTower(depth)), n, refuseNonFinite: false);
                var (ms, enqueueUs, bytes) = TimeSteps(accelerator, tower, weights, gradients, steps);
                results.Add(new BenchCase("hypergen-adam-unchecked", depth, log2, ms, enqueueUs, bytes));
                output.WriteLine($"{$"adam depth {depth} unchecked 2^{log2}",-28} {ms,10:F4} {enqueueUs,11:F1} {bytes,12}");
            }
        }

        return results;
    }

    /// <summary>Adam at every level; the upper levels' step sizes are small so long runs stay finite.</summary>
    public static string AdamTower(int depth) =>
        string.Join("/", Enumerable.Range(0, depth).Select(level => level == 0 ? "adam(alpha=1e-3)" : "adam(alpha=1e-7)"));

    private static (double Ms, double EnqueueUs, long Bytes) TimeSteps(
        Accelerator accelerator, GpuTower<float> tower, MemoryBuffer1D<float, Stride1D.Dense> weights,
        MemoryBuffer1D<float, Stride1D.Dense> gradients, int steps)
    {
        int warmUp = Math.Max(3, steps / 5);
        for (int step = 0; step < warmUp; step++)
        {
            tower.Step(weights.View, gradients.View);
        }

        accelerator.Synchronize();
        long ticksInStep = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            long start = Stopwatch.GetTimestamp();
            tower.Step(weights.View, gradients.View);
            ticksInStep += Stopwatch.GetTimestamp() - start;
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        accelerator.Synchronize();
        total.Stop();
        return (total.Elapsed.TotalMilliseconds / steps, ticksInStep * 1e6 / Stopwatch.Frequency / steps, bytes / steps);
    }

    private static double TimeCopy(
        Accelerator accelerator, MemoryBuffer1D<float, Stride1D.Dense> target, MemoryBuffer1D<float, Stride1D.Dense> source, int steps)
    {
        using MemoryBuffer1D<float, Stride1D.Dense> scratch = accelerator.Allocate1D<float>(source.Length);
        for (int i = 0; i < 3; i++)
        {
            source.View.CopyTo(scratch.View);
        }

        accelerator.Synchronize();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            source.View.CopyTo(scratch.View);
        }

        accelerator.Synchronize();
        total.Stop();
        _ = target;
        return total.Elapsed.TotalMilliseconds / steps;
    }

    private static void FillGradients(Accelerator accelerator, MemoryBuffer1D<float, Stride1D.Dense> gradients, int n)
    {
        var host = new float[n];
        var random = new Random(1234);
        for (int i = 0; i < n; i++)
        {
            host[i] = (float)((random.NextDouble() * 2) - 1) * 1e-2f;
        }

        gradients.CopyFromCPU(host);
        accelerator.Synchronize();
    }
}
