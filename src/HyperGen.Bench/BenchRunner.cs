using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using HyperGen.Kernels;

namespace HyperGen.Bench;

/// <summary>
/// Runs a <see cref="BenchPlan"/> in this process: for each N, smallest first (so the kernels are compiled by the
/// JIT's optimizing tier before the long rows), the copy, plain Adam, every tower and, on the CPU, the towers' floors
/// (<see cref="TrafficFloor{T}"/>), their repetitions interleaved so that a change in the machine's load affects them
/// all alike. On the CPU, or with a
/// <see cref="GpuDevice"/> on its accelerator: a device copy, a hand-written ILGPU Adam and GPU towers.
/// </summary>
internal static class BenchRunner
{
    private const string OrdinaryStores = "ordinary";
    private const string StreamingStores = "streaming";

    /// <summary>The GPU's copy: device to device, one kind.</summary>
    internal const string DeviceCopy = "device";

    /// <summary>Interleave only while every operation's buffers together take at most this share of the memory available.</summary>
    private const double MemoryShareForInterleaving = 0.5;

    /// <summary>Runs the plan; writes a line per N and per row to <paramref name="progress"/>.</summary>
    /// <param name="plan">What to measure.</param>
    /// <param name="progress">Receives progress lines and warnings.</param>
    /// <param name="interleavingLimitBytes">
    /// The most memory the operations of one N may hold together to be measured interleaved; by default half of
    /// what the GC reports available (of the accelerator's memory, on a GPU).
    /// </param>
    /// <param name="gpu">The device to run on; null for this machine's CPU cores. Float only.</param>
    public static BenchReport Run(BenchPlan plan, TextWriter progress, long? interleavingLimitBytes = null, GpuDevice? gpu = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(progress);
        if (gpu is not null && plan.Precision != "float")
        {
            throw new ArgumentException("The GPU bench runs in float.", nameof(plan));
        }

        var clock = Stopwatch.StartNew();
        var machine = DescribeMachine(gpu);
        long available = gpu is null ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : gpu.Accelerator.MemorySize;
        long limit = interleavingLimitBytes ?? (long)(available * MemoryShareForInterleaving);
        var rows = new List<BenchRow>();
        var floors = new List<FloorRow>();
        if (plan.Precision == "double")
        {
            RunAll<double>(plan, progress, limit, gpu, rows, floors);
        }
        else
        {
            RunAll<float>(plan, progress, limit, gpu, rows, floors);
        }

        IReadOnlyList<UpperLevelCost> upperLevels = plan.Precision == "double"
            ? MeasureUpperLevels<double>(plan, progress, gpu)
            : MeasureUpperLevels<float>(plan, progress, gpu);
        return new BenchReport(plan, machine, rows, floors, upperLevels, clock.Elapsed);
    }

    private static void RunAll<T>(BenchPlan plan, TextWriter progress, long interleavingLimitBytes, GpuDevice? gpu, List<BenchRow> rows, List<FloorRow> floors)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int n in plan.Sizes)
        {
            // Every operation at this N steps the same weights with the same gradients.
            T[] weights = BenchData.Weights<T>(n);
            T[] gradients = BenchData.Gradients<T>(n);
            using GpuBenchData? onDevice = gpu is null ? null : new GpuBenchData(gpu.Accelerator, (float[])(object)weights, (float[])(object)gradients);
            List<Operation> operations = onDevice is null ? CpuOperations(plan, weights, gradients) : GpuOperations(plan, onDevice);
            StepTiming[] timings = MeasureAll(operations, n, plan, progress, interleavingLimitBytes, out bool interleaved);
            for (int i = 0; i < operations.Count; i++)
            {
                progress.WriteLine(
                    $"bench: {operations[i].Label}, N = {BenchFormat.Size(n)}: {BenchFormat.Milliseconds(timings[i].MedianMilliseconds)} ms " +
                    $"(median of {timings[i].Repetitions} x {timings[i].StepsPerRepetition} steps)");
            }

            // The copy is the faster of the two: streaming stores win out of cache, ordinary ones in it.
            int copy = Enumerable.Range(0, operations.Count)
                .Where(i => operations[i].CopyStores is not null)
                .MinBy(i => timings[i].MedianMilliseconds);
            int plainAdam = operations.FindIndex(o => o.Name == BenchRow.PlainAdamOperation);
            double copyRate = (double)TrafficModel.CopyElements * plan.ElementSize * n / (timings[copy].MedianMilliseconds * 1e-3) / 1e9;
            BenchRow Row(int i, double? floorMilliseconds = null) => new(
                operations[i].Name, operations[i].Depth, n, timings[i], operations[i].Elements * plan.ElementSize,
                timings[plainAdam].MedianMilliseconds, copyRate, interleaved, operations[i].CopyStores, floorMilliseconds);

            // Each tower is reported with its floor, the floor operation of the same traffic measured beside it.
            var towerTraffic = new List<(BenchRow Row, PassTraffic Traffic)>();
            for (int i = 0; i < operations.Count; i++)
            {
                Operation operation = operations[i];
                if (operation.IsFloor || (operation.CopyStores is not null && i != copy))
                {
                    continue;
                }

                int floor = operation.Traffic is { } traffic ? operations.FindIndex(o => o.IsFloor && o.Traffic == traffic) : -1;
                BenchRow row = Row(i, floor >= 0 ? timings[floor].MedianMilliseconds : null);
                rows.Add(row);
                if (floor >= 0)
                {
                    towerTraffic.Add((row, operation.Traffic!.Value));
                }
            }

            for (int i = 0; i < operations.Count; i++)
            {
                if (operations[i] is { IsFloor: true, Traffic: PassTraffic traffic })
                {
                    floors.Add(new FloorRow(
                        Row(i), traffic, TrafficFloor<T>.StreamsAt(traffic, n), [.. towerTraffic.Where(t => t.Traffic == traffic).Select(t => t.Row)]));
                }
            }
        }
    }

    /// <summary>The CPU's operations at one N: both copies, the SIMD plain Adam, every tower, and the towers' floors.</summary>
    private static List<Operation> CpuOperations<T>(BenchPlan plan, T[] weights, T[] gradients)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        List<Operation> operations =
        [
            new(BenchRow.CopyOperation, 0, TrafficModel.CopyElements, 1, () => new BufferCopy<T>(gradients, streaming: false), OrdinaryStores),
            new(BenchRow.CopyOperation, 0, TrafficModel.CopyElements, 1, () => new BufferCopy<T>(gradients, streaming: true), StreamingStores),
            new(BenchRow.PlainAdamOperation, 0, TrafficModel.PlainAdamElements, 2, () => new PlainAdam<T>(weights, gradients)),
        ];
        foreach (OptimizerDefinition optimizer in plan.Optimizers)
        {
            foreach (int depth in plan.Depths)
            {
                TowerSpec spec = plan.Shape.Build(optimizer, depth);
                bool recomputes = optimizer.GetKernel<float>() is IRecomputingStepKernel<float>;
                PassTraffic traffic = TrafficModel.TowerTraffic(optimizer, depth);
                operations.Add(new(
                    optimizer.Name.ToLowerInvariant(), depth, traffic.Elements, HeldElements(optimizer, depth, recomputes),
                    () => new TowerStep<T>(spec, weights, gradients), Traffic: traffic));
            }
        }

        // One floor per distinct traffic, after the towers, measured in the same turns.
        foreach (PassTraffic traffic in operations.Where(o => o.Traffic is not null).Select(o => o.Traffic!.Value).Distinct().ToArray())
        {
            operations.Add(new(
                BenchRow.FloorOperation, 0, traffic.Elements, TrafficFloor<T>.HeldElements(traffic),
                () => new TrafficFloor<T>(traffic, weights, gradients), Traffic: traffic, IsFloor: true));
        }

        return operations;
    }

    /// <summary>
    /// The GPU's operations at one N, over the same data on the device: a device copy, the hand-written ILGPU Adam, and
    /// every tower (which recomputes level 1's partials: the generator writes that for every built-in).
    /// </summary>
    private static List<Operation> GpuOperations(BenchPlan plan, GpuBenchData data)
    {
        List<Operation> operations =
        [
            new(BenchRow.CopyOperation, 0, TrafficModel.CopyElements, 1, () => new GpuCopy(data), DeviceCopy),
            new(BenchRow.PlainAdamOperation, 0, TrafficModel.PlainAdamElements, 2, () => new GpuPlainAdam(data)),
        ];
        foreach (OptimizerDefinition optimizer in plan.Optimizers)
        {
            foreach (int depth in plan.Depths)
            {
                TowerSpec spec = plan.Shape.Build(optimizer, depth);
                operations.Add(new(
                    optimizer.Name.ToLowerInvariant(), depth, TrafficModel.TowerElements(optimizer, depth, recomputes: true),
                    HeldElements(optimizer, depth, recomputes: true), () => new GpuTowerStep(spec, data)));
            }
        }

        return operations;
    }

    /// <summary>
    /// For each optimizer whose plan has depth 2 and a deeper depth: the two towers over a handful of weights,
    /// interleaved, so that the difference is what the extra levels cost (see <see cref="UpperLevelCost"/>).
    /// </summary>
    private static List<UpperLevelCost> MeasureUpperLevels<T>(BenchPlan plan, TextWriter progress, GpuDevice? gpu)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var costs = new List<UpperLevelCost>();
        int deep = plan.Depths.Count == 0 ? 0 : plan.Depths.Max();
        if (!plan.Depths.Contains(2) || deep <= 2)
        {
            return costs;
        }

        T[] weights = BenchData.Weights<T>(UpperLevelCost.Weights);
        T[] gradients = BenchData.Gradients<T>(UpperLevelCost.Weights);
        foreach (OptimizerDefinition optimizer in plan.Optimizers)
        {
            using GpuBenchData? shallowData = gpu is null ? null : new GpuBenchData(gpu.Accelerator, (float[])(object)weights, (float[])(object)gradients);
            using GpuBenchData? deepData = gpu is null ? null : new GpuBenchData(gpu.Accelerator, (float[])(object)weights, (float[])(object)gradients);
            IMeasuredStep[] steps =
            [
                shallowData is null ? new TowerStep<T>(plan.Shape.Build(optimizer, 2), (T[])weights.Clone(), gradients) : new GpuTowerStep(plan.Shape.Build(optimizer, 2), shallowData),
                deepData is null ? new TowerStep<T>(plan.Shape.Build(optimizer, deep), (T[])weights.Clone(), gradients) : new GpuTowerStep(plan.Shape.Build(optimizer, deep), deepData),
            ];
            StepTiming[] timings = StepTimer.MeasureInterleaved(steps, plan.Budget / 2);
            Dispose(steps);
            var cost = new UpperLevelCost(
                optimizer.Name.ToLowerInvariant(), 2, deep, UpperLevelCost.Weights,
                timings[0].MedianMilliseconds * 1e3, timings[1].MedianMilliseconds * 1e3);
            progress.WriteLine(
                $"bench: {cost.Optimizer} upper levels, N = {cost.N}: depth 2 {BenchFormat.Fixed(cost.ShallowMicroseconds, 2)} us, " +
                $"depth {deep} {BenchFormat.Fixed(cost.DeepMicroseconds, 2)} us per step");
            costs.Add(cost);
        }

        return costs;
    }

    /// <summary>
    /// Measures the operations interleaved when they fit in memory together (each holds its own state), else one
    /// after the other, each created just before it is measured and dropped after.
    /// </summary>
    private static StepTiming[] MeasureAll(
        List<Operation> operations, int n, BenchPlan plan, TextWriter progress, long interleavingLimitBytes, out bool interleaved)
    {
        // The weights and gradients (2 elements) are shared; the copy's destination and the states are not.
        long heldBytes = (2 + operations.Sum(o => (long)o.HeldElements)) * n * plan.ElementSize;
        interleaved = heldBytes <= interleavingLimitBytes;
        double seconds = operations.Count * plan.Budget.TotalSeconds * 1.25;
        progress.WriteLine(interleaved
            ? $"bench: N = {BenchFormat.Size(n)}: {operations.Count} operations, interleaved, about {BenchFormat.Fixed(seconds, 0)} s"
            : $"bench: N = {BenchFormat.Size(n)}: {operations.Count} operations, one after the other: together they would hold {heldBytes >> 20} MiB, more than the {interleavingLimitBytes >> 20} MiB allowed (half the memory available); about {BenchFormat.Fixed(seconds, 0)} s");

        var timings = new StepTiming[operations.Count];
        if (interleaved)
        {
            IMeasuredStep[] steps = [.. operations.Select(o => o.Create())];
            StepTimer.MeasureInterleaved(steps, plan.Budget).CopyTo(timings, 0);
            for (int i = 0; i < steps.Length; i++)
            {
                WarnIfRefused(steps[i], operations[i], n, progress);
            }

            Dispose(steps);
        }
        else
        {
            for (int i = 0; i < operations.Count; i++)
            {
                IMeasuredStep step = operations[i].Create();
                timings[i] = StepTimer.Measure(step, plan.Budget);
                WarnIfRefused(step, operations[i], n, progress);
                Dispose([step]);
            }
        }

        return timings;
    }

    /// <summary>Frees what the steps hold outside the managed heap (device buffers); CPU steps hold none.</summary>
    private static void Dispose(IMeasuredStep[] steps)
    {
        foreach (IMeasuredStep step in steps)
        {
            (step as IDisposable)?.Dispose();
        }
    }

    private static void WarnIfRefused(IMeasuredStep step, Operation operation, int n, TextWriter progress)
    {
        long refused = step is IRefusingStep refusing ? refusing.CountRefusedSteps() : 0;
        if (refused > 0)
        {
            progress.WriteLine(
                $"hypergen: warning: {operation.Label}, N = {BenchFormat.Size(n)}: the tower refused {refused} steps because a value became NaN or infinite on the bench's synthetic gradients; a refused step skips the update, so this row's time is a lower bound");
        }
    }

    /// <summary>
    /// Elements per parameter a tower holds besides the shared weights and gradients: its S state variables, and at
    /// depth 2 and above either its H stored partials or, where it recomputes them, the other half of the state's
    /// double buffer and its copy of the gradient. An estimate for deciding whether every tower fits in memory at once.
    /// </summary>
    private static int HeldElements(OptimizerDefinition levelOne, int depth, bool recomputes)
    {
        int states = levelOne.StateVariables.Count;
        if (depth == 1)
        {
            return states;
        }

        return recomputes ? (2 * states) + 1 : states + levelOne.HyperParameters.Count;
    }

    /// <summary>One operation of a run at one N: what it is, what it moves and holds, and how to create it.</summary>
    /// <param name="Name">The row's operation: "copy", "plain-adam" or the level-1 optimizer.</param>
    /// <param name="Depth">The tower depth; 0 for the copy and plain Adam.</param>
    /// <param name="Elements">Elements moved per parameter (<see cref="TrafficModel"/>).</param>
    /// <param name="HeldElements">Elements per parameter it holds besides the shared weights and gradients.</param>
    /// <param name="Create">Allocates its buffers and returns it.</param>
    /// <param name="CopyStores">For a copy, "ordinary" or "streaming"; null otherwise.</param>
    /// <param name="Traffic">For a CPU tower and a floor, the elements it moves pass by pass; null otherwise.</param>
    /// <param name="IsFloor">Whether it is the floor of the towers with its <paramref name="Traffic"/>.</param>
    private sealed record Operation(
        string Name, int Depth, int Elements, int HeldElements, Func<IMeasuredStep> Create, string? CopyStores = null, PassTraffic? Traffic = null, bool IsFloor = false)
    {
        /// <summary>How progress lines and warnings name it.</summary>
        public string Label =>
            CopyStores is not null ? $"{Name} ({CopyStores} stores)"
            : IsFloor ? $"{Name} ({Traffic!.Value.Describe()})"
            : Depth == 0 ? Name
            : $"{Name} depth {Depth}";
    }

    private static BenchMachine DescribeMachine(GpuDevice? gpu) => new(
        CpuModel(),
        Environment.ProcessorCount,
        ParallelBlocks.Parallelism,
        // The widest vectors the kernels use: Vector512 where the runtime accelerates it, else Vector<T>.
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : Vector<byte>.Count * 8,
        $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}",
        DateTime.UtcNow,
        gpu?.Description);

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
