using System;
using System.Buffers;

namespace HyperGen.TorchSharp;

/// <summary>
/// A <see cref="Memory{T}"/> over a tensor's storage, so the tower's several-tensor step can read and write it in
/// place. The address can be moved when the tensor's storage moves; the manager itself is made once per tensor, and a
/// <see cref="Memory{T}"/> taken from it is a struct, so a step that takes one allocates nothing.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed unsafe class NativeMemory<T> : MemoryManager<T>
    where T : unmanaged
{
    private T* _pointer;
    private int _length;

    /// <summary>Points the memory at <paramref name="length"/> elements from <paramref name="pointer"/>.</summary>
    public void Point(IntPtr pointer, int length)
    {
        _pointer = (T*)pointer;
        _length = length;
    }

    /// <inheritdoc/>
    public override Span<T> GetSpan() => new(_pointer, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc/>
    public override void Unpin()
    {
        // LibTorch's CPU allocator never moves memory: nothing to release.
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // The tensor owns the memory.
    }
}
