using System.Runtime.CompilerServices;

namespace HyperGen.Bench;

/// <summary>Element access through a reference to a buffer's first element, without bounds checks.</summary>
internal static class RefExtensions
{
    public static ref T At<T>(ref this T first, nuint index)
        where T : struct => ref Unsafe.Add(ref first, index);
}
