using System;
using System.Runtime.CompilerServices;

namespace HyperGen;

/// <summary>
/// A pinned buffer whose first element sits on a 64-byte boundary, so that vector stores that bypass the cache
/// (which need aligned addresses) can write it. The memory is an ordinary pinned array, a little longer than asked
/// for, so the garbage collector still owns it.
/// </summary>
internal sealed unsafe class AlignedBuffer<T>
    where T : unmanaged
{
    /// <summary>The alignment of the first element, in bytes: a cache line, and the width of the widest vector.</summary>
    public const int Alignment = 64;

    private readonly T[] _array;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="length"/> zeroed elements.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        if (length == 0)
        {
            _array = [];
            return;
        }

        // Pinned, so the address computed here stays true for the buffer's life.
        _array = GC.AllocateArray<T>(length + (Alignment / sizeof(T)), pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref _array[0]);
        nuint misalignment = address % Alignment;
        _offset = misalignment == 0 ? 0 : (int)((Alignment - misalignment) / (nuint)sizeof(T));
    }

    /// <summary>An empty buffer.</summary>
    public static AlignedBuffer<T> Empty { get; } = new(0);

    public int Length { get; }

    public Span<T> Span => _array.AsSpan(_offset, Length);

    /// <summary>Element <paramref name="index"/>, or a null reference when the buffer is empty.</summary>
    public ref T Ref(int index) => ref Length == 0 ? ref Unsafe.NullRef<T>() : ref _array[_offset + index];

    /// <summary>
    /// <paramref name="count"/> rounded up to a whole number of alignment units: the stride that keeps every
    /// variable of a variable-major buffer aligned.
    /// </summary>
    public static int AlignedStride(int count) =>
        checked((count + (Alignment / sizeof(T)) - 1) / (Alignment / sizeof(T)) * (Alignment / sizeof(T)));
}
