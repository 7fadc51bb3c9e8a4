using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HyperGen.Bench;

/// <summary>
/// The bandwidth reference: copies N elements from one buffer to another on every core, block by block, as the
/// towers split their work, and counts 2 elements per parameter (one read, one write).
/// </summary>
/// <remarks>
/// An ordinary store to memory that is not in cache first reads the line it overwrites (read for ownership), so
/// out of cache an ordinary copy moves 3 elements for the 2 it counts and would report two thirds of the
/// machine's bandwidth, less than an optimizer whose writes all go to lines it has just read. Streaming
/// (non-temporal) stores skip that read, but also skip the cache, so for buffers that fit in cache they are the
/// slower choice. The bench therefore measures both and keeps the faster at each N.
/// </remarks>
internal sealed unsafe class BufferCopy<T> : ParallelBlockJob, IMeasuredStep
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _source;
    private readonly T[] _destination;
    private readonly int _destinationOffset;
    private readonly bool _streaming;

    /// <summary>A copy of <paramref name="source"/> into a buffer of its own.</summary>
    /// <param name="source">The elements to copy.</param>
    /// <param name="streaming">Whether to use streaming stores where the hardware has them (see <see cref="CanStream"/>).</param>
    public BufferCopy(T[] source, bool streaming)
    {
        _source = source;
        _streaming = streaming && CanStream;

        // Streaming stores of 32-byte vectors need 32-byte aligned targets.
        _destination = BenchBuffers.Aligned(source.Length, T.One, out _destinationOffset);
    }

    /// <summary>Whether this machine has the streaming stores the copy uses.</summary>
    public static bool CanStream => Vector256.IsHardwareAccelerated && Sse.IsSupported;

    /// <summary>The copied elements.</summary>
    public ReadOnlySpan<T> Destination => _destination.AsSpan(_destinationOffset, _source.Length);

    public void Step() => ParallelBlocks.Run(this, _source.Length);

    protected override void RunBlock(int start, int length)
    {
        if (!_streaming)
        {
            _source.AsSpan(start, length).CopyTo(_destination.AsSpan(_destinationOffset + start, length));
            return;
        }

        fixed (T* source = &_source[start])
        fixed (T* destination = &_destination[_destinationOffset + start])
        {
            int width = Vector256<T>.Count;
            int i = 0;
            for (; i <= length - width; i += width)
            {
                Vector256.StoreAlignedNonTemporal(Vector256.Load(source + i), destination + i);
            }

            for (; i < length; i++)
            {
                destination[i] = source[i];
            }

            // Streaming stores are weakly ordered: make them visible before the block is reported done.
            Sse.StoreFence();
        }
    }
}
