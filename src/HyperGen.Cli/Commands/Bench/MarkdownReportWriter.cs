using System;
using System.Globalization;
using System.Linq;
using System.Text;
using HyperGen.Bench;

namespace HyperGen.Cli.Commands.Bench;

/// <summary>Writes a <see cref="BenchReport"/> as markdown: what ran where, the table, and the targets docs/performance.md sets ("Measuring").</summary>
internal static class MarkdownReportWriter
{
    private const int DepthForRatioTarget = 3;
    private const double MaxRatioAtDepth3 = 1.7;
    private const double MinFractionOfCopy = 0.7;
    private const double MaxDepthSpread = 0.03;
    private const double MaxGpuRatioToTorch = 1.35;

    public static string Write(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        BenchPlan plan = report.Plan;
        BenchMachine machine = report.Machine;
        var text = new StringBuilder();
        text.AppendLine("# hypergen bench").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {machine.Cpu}, {machine.LogicalCores} logical cores, {machine.Threads} threads per step, {machine.VectorBits}-bit vectors");
        if (machine.Gpu is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- device: {machine.Gpu}; every row runs there (float), timed from the first enqueue to the device's end of each repetition");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"- runtime: {machine.Runtime}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- run: {machine.StartedUtc:yyyy-MM-dd HH:mm} UTC, {BenchFormat.Fixed(report.Elapsed.TotalSeconds, 0)} s; precision {plan.Precision}; median over warm repetitions, {BenchFormat.Fixed(plan.Budget.TotalMilliseconds, 0)} ms per row, {DescribeOrder(report)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- towers: level 1 is the optimizer with its default hyperparameters; levels 2 and up: {DescribeShape(plan.Shape)}");
        text.AppendLine(machine.Gpu is null
            ? "- copy: the faster at each N of an ordinary copy and one with streaming stores (which skip reading the destination first, but also the cache)"
            : "- copy: a device-to-device copy; plain Adam: a hand-written ILGPU kernel, one thread per element (PyTorch's fused Adam is timed beside the towers by scripts/device-run.sh)");
        text.AppendLine("- B/param: effective bytes read and written per parameter and step (docs/performance.md); GB/s = B/param x N / time");
        text.AppendLine(machine.Gpu is null
            ? "- floor: for each tower row, a kernel that moves the same elements in the same two passes, on the same threads and with the same stores, adding them up instead of the optimizer's arithmetic (table below); x floor = median / floor ms, both from this run"
            : "- floor: measured on the CPU only");
        text.AppendLine();
        text.AppendLine("| operation | depth | N | median ms | B/param | GB/s | x plain Adam | floor ms | x floor | of copy BW | alloc B/step |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (BenchRow row in report.Rows)
        {
            string operation = !row.IsCopy ? row.Operation : row.CopyStores == BenchRunner.DeviceCopy ? "copy (device)" : $"copy ({row.CopyStores} stores)";
            text.Append(CultureInfo.InvariantCulture, $"| {operation} | {(row.Depth == 0 ? "-" : row.Depth.ToString(CultureInfo.InvariantCulture))} | {BenchFormat.Size(row.N)} ");
            AppendMeasurement(text, row);
            text.Append(CultureInfo.InvariantCulture, $"| {(row.FloorMilliseconds is { } floor ? BenchFormat.Milliseconds(floor) : "-")} | {(row.RatioToFloor is { } ratio ? BenchFormat.Fixed(ratio, 2) : "-")} ");
            text.Append(CultureInfo.InvariantCulture, $"| {BenchFormat.Percent(row.FractionOfCopy)} | {BenchFormat.Fixed(row.Timing.AllocatedBytesPerStep, 0)} |");
            text.AppendLine();
        }

        AppendFloors(text, report);
        AppendTargets(text, report);
        return text.ToString();
    }

    private static void AppendMeasurement(StringBuilder text, BenchRow row)
    {
        text.Append(CultureInfo.InvariantCulture, $"| {BenchFormat.Milliseconds(row.MedianMilliseconds)} | {row.BytesPerParameter} | {BenchFormat.Fixed(row.GigabytesPerSecond, 1)} ");
        text.Append(CultureInfo.InvariantCulture, $"| {BenchFormat.Fixed(row.RatioToPlainAdam, 2)} ");
    }

    /// <summary>The floors: which towers each serves, the elements of its two passes, its stores, and what it measured.</summary>
    private static void AppendFloors(StringBuilder text, BenchReport report)
    {
        if (report.Floors.Count == 0)
        {
            return;
        }

        text.AppendLine().AppendLine("Floors (elements per parameter: the first pass reads; the update reads, overwrites what it read, and writes other buffers):").AppendLine();
        text.AppendLine("| floor of | N | passes | stores | median ms | B/param | GB/s | x plain Adam | of copy BW | alloc B/step |");
        text.AppendLine("|---|---:|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (FloorRow floor in report.Floors)
        {
            // "adam depth 2, 3, 32; sgd depth 2, 3, 32": the towers, by optimizer, in the table's order.
            string towers = string.Join("; ", floor.Towers.GroupBy(t => t.Operation).Select(g =>
                $"{g.Key} depth {string.Join(", ", g.Select(t => t.Depth.ToString(CultureInfo.InvariantCulture)))}"));
            BenchRow row = floor.Measurement;
            text.Append(CultureInfo.InvariantCulture, $"| {towers} | {BenchFormat.Size(row.N)} | {floor.Traffic.Describe()} | {floor.Stores} ");
            AppendMeasurement(text, row);
            text.Append(CultureInfo.InvariantCulture, $"| {BenchFormat.Percent(row.FractionOfCopy)} | {BenchFormat.Fixed(row.Timing.AllocatedBytesPerStep, 0)} |");
            text.AppendLine();
        }
    }

    private static string DescribeOrder(BenchReport report)
    {
        int[] sequential = [.. report.Rows.Where(r => !r.Interleaved).Select(r => r.N).Distinct()];
        return sequential.Length == 0
            ? "the rows of each N interleaved"
            : $"the rows of each N interleaved except at N = {string.Join(", ", sequential.Select(BenchFormat.Size))} (one after the other: too large to hold together)";
    }

    private static string DescribeShape(TowerShape shape)
    {
        string above = shape.ToString();
        return above == "same"
            ? $"the same optimizer (alpha = {TowerShape.RecursiveUpperAlpha.ToString("R", CultureInfo.InvariantCulture)} where it has one), the paper's recursive tower"
            : above;
    }

    /// <summary>The targets of docs/performance.md for the device the run used, at the largest N, where the run has the rows they compare.</summary>
    private static void AppendTargets(StringBuilder text, BenchReport report)
    {
        int n = report.Rows.Max(r => r.N);
        BenchRow[] rows = report.Rows.Where(r => r.N == n).ToArray();
        var lines = new StringBuilder();

        bool onGpu = report.Machine.Gpu is not null;
        BenchRow? plain = rows.FirstOrDefault(r => r.Operation == BenchRow.PlainAdamOperation);
        if (plain is not null)
        {
            lines.AppendLine(onGpu
                ? string.Create(CultureInfo.InvariantCulture, $"- plain Adam reaches {BenchFormat.Percent(plain.FractionOfCopy)} of the device copy's bandwidth (the {BenchFormat.Percent(MinFractionOfCopy)} target is the CPU's)")
                : string.Create(CultureInfo.InvariantCulture, $"- plain Adam reaches {BenchFormat.Percent(plain.FractionOfCopy)} of copy bandwidth (target: at least {BenchFormat.Percent(MinFractionOfCopy)}): {Verdict(plain.FractionOfCopy >= MinFractionOfCopy)}"));
        }

        BenchRow? adam3 = rows.FirstOrDefault(r => r.Operation == "adam" && r.Depth == DepthForRatioTarget);
        if (adam3 is not null)
        {
            lines.AppendLine(onGpu
                ? string.Create(CultureInfo.InvariantCulture, $"- Adam tower at depth {DepthForRatioTarget}: {BenchFormat.Fixed(adam3.RatioToPlainAdam, 2)}x the hand-written ILGPU Adam; the GPU target, at most {BenchFormat.Fixed(MaxGpuRatioToTorch, 2)}x PyTorch's fused Adam on the same GPU at 2^26, is checked by scripts/device-run.sh")
                : string.Create(CultureInfo.InvariantCulture, $"- Adam tower at depth {DepthForRatioTarget}: {BenchFormat.Fixed(adam3.RatioToPlainAdam, 2)}x plain Adam (target: at most {BenchFormat.Fixed(MaxRatioAtDepth3, 1)}x): {Verdict(adam3.RatioToPlainAdam <= MaxRatioAtDepth3)}"));

            // Not a target: how much of that is bytes, and how much is the tower's arithmetic on top of them.
            if (adam3 is { RatioToFloor: double toFloor, FloorMilliseconds: double floor })
            {
                lines.AppendLine(CultureInfo.InvariantCulture, $"- Adam tower at depth {DepthForRatioTarget}: {BenchFormat.Fixed(toFloor, 2)}x its floor, which moves the same bytes in the same two passes and takes {BenchFormat.Fixed(floor / adam3.PlainAdamMilliseconds, 2)}x plain Adam");
            }
        }

        foreach (var group in rows.Where(r => r.Depth >= 2).GroupBy(r => r.Operation))
        {
            BenchRow? two = group.FirstOrDefault(r => r.Depth == 2);
            BenchRow? deepest = group.OrderByDescending(r => r.Depth).First();
            if (two is not null && deepest.Depth > 2)
            {
                double change = (deepest.MedianMilliseconds / two.MedianMilliseconds) - 1;
                lines.AppendLine(CultureInfo.InvariantCulture, $"- {group.Key} depth {deepest.Depth} vs depth 2, the two rows: {BenchFormat.Signed(change * 100, 1)} % (target: within {BenchFormat.Percent(MaxDepthSpread)}): {Verdict(Math.Abs(change) <= MaxDepthSpread)}");

                // The rows differ by their noise as much as by their depth; the upper levels measured on their own
                // say what depth itself adds to the step at this N.
                UpperLevelCost? cost = report.UpperLevels.FirstOrDefault(c => c.Optimizer == group.Key && c.DeepDepth == deepest.Depth);
                if (cost is not null)
                {
                    double share = cost.ExtraMicroseconds * 1e-3 / two.MedianMilliseconds;
                    lines.AppendLine(CultureInfo.InvariantCulture, $"- {group.Key} depth {deepest.Depth} vs depth 2, the extra levels on their own (towers of {cost.N} weights): {BenchFormat.Signed(cost.ExtraMicroseconds, 2)} us per step, {BenchFormat.Signed(share * 100, 3)} % of the depth-2 step (target: within {BenchFormat.Percent(MaxDepthSpread)}): {Verdict(Math.Abs(share) <= MaxDepthSpread)}");
                }
            }
        }

        double maxAllocated = report.Rows.Concat(report.Floors.Select(f => f.Measurement)).Max(r => r.Timing.AllocatedBytesPerStep);
        lines.AppendLine(CultureInfo.InvariantCulture, $"- bytes allocated per step, largest over all rows and floors: {BenchFormat.Fixed(maxAllocated, 0)} (target: 0): {Verdict(maxAllocated == 0)}");

        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Targets ({(onGpu ? "GPU" : "CPU")}, N = {BenchFormat.Size(n)}, ratios from this run):").AppendLine();
        text.Append(lines);
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
