using System;
using System.Buffers;
using System.Runtime.InteropServices;

namespace PlainLoop;

/// <summary>
/// Floats in native memory (as a tensor library or an interop layer would hold them), exposed as
/// <see cref="Span{T}"/> and, through <see cref="MemoryManager{T}"/>, as <see cref="Memory{T}"/>.
/// </summary>
public sealed unsafe class NativeBuffer : MemoryManager<float>
{
    private float* _pointer;

    /// <summary>Allocates <paramref name="length"/> zeroed floats outside the managed heap.</summary>
    public NativeBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _pointer = (float*)NativeMemory.AllocZeroed((nuint)length, sizeof(float));
        Length = length;
    }

    /// <summary>The number of floats.</summary>
    public int Length { get; }

    /// <summary>The floats, as a span over the native memory.</summary>
    public Span<float> Span => GetSpan();

    /// <inheritdoc/>
    public override Span<float> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<float>(_pointer, Length);
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, Length);

        // Native memory never moves, so pinning is a no-op.
        return new MemoryHandle(_pointer + elementIndex);
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_pointer is not null)
        {
            NativeMemory.Free(_pointer);
            _pointer = null;
        }
    }
}
