using System.Collections.Generic;
using System.Text.Json;

namespace HyperGen.DeviceCheck;

/// <summary>One timed case: what ran, at which depth and size, and what it cost.</summary>
/// <param name="Kind">"copy" (device copy of the weights) or "hypergen-adam" (one tower step).</param>
/// <param name="Depth">The tower's depth (0 for the copy).</param>
/// <param name="Log2Size">log2 of the number of parameters.</param>
/// <param name="MilliSeconds">Device time per step (or per copy).</param>
/// <param name="EnqueueMicroseconds">Host time inside one Step call.</param>
/// <param name="HostBytesPerStep">Bytes the host allocated per step.</param>
internal sealed record BenchCase(string Kind, int Depth, int Log2Size, double MilliSeconds, double EnqueueMicroseconds, long HostBytesPerStep);

/// <summary>The benchmark's results, written as JSON for scripts/device_table.py.</summary>
internal sealed class BenchResults(string device, string date)
{
    private readonly List<BenchCase> _cases = [];

    public void Add(BenchCase result) => _cases.Add(result);

    public string ToJson() => JsonSerializer.Serialize(
        new { device, date, cases = _cases },
        new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}
