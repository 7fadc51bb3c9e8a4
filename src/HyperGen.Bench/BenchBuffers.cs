using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HyperGen.Bench;

/// <summary>Creates the buffers the bench steps over.</summary>
internal static unsafe class BenchBuffers
{
    /// <summary>Streaming stores need targets aligned to the vector; 64 bytes aligns every width and the cache lines.</summary>
    public const int Alignment = 64;

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

    /// <summary>
    /// A pinned array with room for <paramref name="length"/> elements starting on a 64-byte boundary, all set to
    /// <paramref name="value"/>: the kind of buffer the tower gives its streaming stores. Pinned, so the offset
    /// computed here stays true; the bench's blocks (16,384 elements) keep the alignment.
    /// </summary>
    /// <param name="length">The elements the caller uses.</param>
    /// <param name="value">Their initial value.</param>
    /// <param name="offset">Where the aligned elements start in the returned array.</param>
    public static T[] Aligned<T>(int length, T value, out int offset)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] buffer = GC.AllocateArray<T>(length + (Alignment / sizeof(T)), pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        offset = (int)((Alignment - (address % Alignment)) % Alignment) / sizeof(T);
        buffer.AsSpan(offset, length).Fill(value);
        return buffer;
    }
}
