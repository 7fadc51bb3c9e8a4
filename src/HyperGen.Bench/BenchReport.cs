using System;
using System.Collections.Generic;

namespace HyperGen.Bench;

/// <summary>One measured operation at one size.</summary>
/// <param name="Operation">"copy", "plain-adam", or the tower's level-1 optimizer in lower case.</param>
/// <param name="Depth">The tower depth; 0 for the copy and plain Adam.</param>
/// <param name="N">The number of parameters (elements copied, for the copy).</param>
/// <param name="Timing">The measured time and allocations.</param>
/// <param name="BytesPerParameter">The effective traffic per parameter and step (<see cref="TrafficModel"/>).</param>
/// <param name="PlainAdamMilliseconds">Plain Adam's median at the same N, for the ratio.</param>
/// <param name="CopyGigabytesPerSecond">The copy's rate at the same N, for the fraction of copy bandwidth.</param>
/// <param name="Interleaved">Whether the operations at this N were measured in turns (else one after the other).</param>
/// <param name="CopyStores">For the copy, which stores won at this N: "ordinary" or "streaming"; null for the other rows.</param>
/// <param name="FloorMilliseconds">
/// For a tower on the CPU, the median of its floor (<see cref="FloorRow"/>) at the same N, measured with it; null for the
/// other rows.
/// </param>
internal sealed record BenchRow(
    string Operation,
    int Depth,
    int N,
    StepTiming Timing,
    int BytesPerParameter,
    double PlainAdamMilliseconds,
    double CopyGigabytesPerSecond,
    bool Interleaved,
    string? CopyStores = null,
    double? FloorMilliseconds = null)
{
    public const string CopyOperation = "copy";
    public const string PlainAdamOperation = "plain-adam";
    public const string FloorOperation = "floor";

    public double MedianMilliseconds => Timing.MedianMilliseconds;

    /// <summary>Effective bytes moved per second, in units of 10^9.</summary>
    public double GigabytesPerSecond => (double)BytesPerParameter * N / (MedianMilliseconds * 1e-3) / 1e9;

    public double RatioToPlainAdam => MedianMilliseconds / PlainAdamMilliseconds;

    public double FractionOfCopy => GigabytesPerSecond / CopyGigabytesPerSecond;

    /// <summary>This row's time over its floor's: what the tower's arithmetic and its walk over the buffers add to its bytes.</summary>
    public double? RatioToFloor => MedianMilliseconds / FloorMilliseconds;

    public bool IsCopy => Operation == CopyOperation;
}

/// <summary>
/// The floor of some tower rows at one N: a <see cref="TrafficFloor{T}"/> moving the elements those towers move,
/// pass by pass, with trivial arithmetic. Towers with the same traffic (the depths 2 and up of one optimizer, or
/// optimizers with as many state variables) share one floor.
/// </summary>
/// <param name="Measurement">Its time and rates, as a row with <see cref="BenchRow.FloorOperation"/> at depth 0.</param>
/// <param name="Traffic">The elements it moves per parameter, pass by pass.</param>
/// <param name="Streams">Whether it wrote its write-only buffers with streaming stores, as the towers do at this N.</param>
/// <param name="Towers">The tower rows it is the floor of.</param>
internal sealed record FloorRow(BenchRow Measurement, PassTraffic Traffic, bool Streams, IReadOnlyList<BenchRow> Towers)
{
    /// <summary>"streaming" where it streamed its write-only stores, else "ordinary".</summary>
    public string Stores => Streams ? "streaming" : "ordinary";
}

/// <summary>Where the bench ran.</summary>
/// <param name="Cpu">The processor model, as the operating system names it.</param>
/// <param name="LogicalCores">The logical cores the process may use.</param>
/// <param name="Threads">The threads that share each step (the caller and the workers).</param>
/// <param name="VectorBits">The width of the widest vectors the kernels use (Vector512 where accelerated, else <see cref="System.Numerics.Vector{T}"/>).</param>
/// <param name="Runtime">The .NET runtime and operating system.</param>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="Gpu">The GPU the operations ran on (<c>--device gpu</c>), in words; null when they ran on the CPU.</param>
internal sealed record BenchMachine(string Cpu, int LogicalCores, int Threads, int VectorBits, string Runtime, DateTime StartedUtc, string? Gpu = null);

/// <summary>
/// What the levels above level 1 cost on their own: a tower of depth 2 and one of the plan's deepest depth, both
/// over <see cref="N"/> weights, so few that level 1's passes take next to nothing and the difference between the two
/// is the extra levels' scalar work. At 2^24 that difference is far smaller than the noise between two rows.
/// </summary>
/// <param name="Optimizer">The level-1 optimizer, in lower case.</param>
/// <param name="ShallowDepth">The shallower tower's depth (2).</param>
/// <param name="DeepDepth">The deeper tower's depth.</param>
/// <param name="N">The weights of both towers.</param>
/// <param name="ShallowMicroseconds">The shallower tower's median step time.</param>
/// <param name="DeepMicroseconds">The deeper tower's median step time.</param>
internal sealed record UpperLevelCost(
    string Optimizer, int ShallowDepth, int DeepDepth, int N, double ShallowMicroseconds, double DeepMicroseconds)
{
    /// <summary>Weights of the towers that measure the upper levels: one vector's worth, in one block.</summary>
    public const int Weights = 16;

    /// <summary>What the deeper tower's extra levels add to a step.</summary>
    public double ExtraMicroseconds => DeepMicroseconds - ShallowMicroseconds;
}

/// <summary>
/// Everything one run measured: the copy and plain Adam at every N, then every tower; the towers' floors (none on a
/// GPU); then the upper levels on their own.
/// </summary>
internal sealed record BenchReport(
    BenchPlan Plan,
    BenchMachine Machine,
    IReadOnlyList<BenchRow> Rows,
    IReadOnlyList<FloorRow> Floors,
    IReadOnlyList<UpperLevelCost> UpperLevels,
    TimeSpan Elapsed);
