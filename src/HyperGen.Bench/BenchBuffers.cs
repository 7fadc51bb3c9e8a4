using System;
using System.Numerics;

namespace HyperGen.Bench;

/// <summary>Creates the buffers the bench steps over.</summary>
internal static class BenchBuffers
{
    /// <summary>A buffer of <paramref name="length"/> copies of <paramref name="value"/>.</summary>
    public static T[] Filled<T>(int length, T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var buffer = GC.AllocateUninitializedArray<T>(length);
        buffer.AsSpan().Fill(value);
        return buffer;
    }

    /// <summary>Values drawn uniformly from [-scale, scale), reproducibly from <paramref name="seed"/>.</summary>
    public static T[] Random<T>(int length, int seed, double scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var buffer = GC.AllocateUninitializedArray<T>(length);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = T.CreateTruncating(((2 * random.NextDouble()) - 1) * scale);
        }

        return buffer;
    }
}
