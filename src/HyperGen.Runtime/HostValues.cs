using System.Numerics;

namespace HyperGen;

/// <summary>
/// A run of a CPU tower's values as <see cref="TowerRules"/> reads them, widened to double. Over a pointer, as the
/// tower's buffers are arrays and aligned native memory alike, pinned by the caller for the rule's call.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal readonly unsafe struct HostValues<T>(T* values) : ITowerValues
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public double this[int index] => double.CreateTruncating(values[index]);
}
