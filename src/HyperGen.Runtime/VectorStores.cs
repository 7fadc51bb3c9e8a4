using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HyperGen;

/// <summary>
/// Vector stores for generated kernels, which write some buffers (a level's new state, its copy of the gradients,
/// its partials) that nothing reads again until the next step. When those buffers are larger than the caches, an
/// ordinary store first reads each cache line it writes; a non-temporal store writes the line without reading
/// it, which saves a third of the memory traffic of such a stream.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class VectorStores
{
    /// <summary>
    /// Stores <paramref name="value"/> at element <paramref name="index"/> of <paramref name="destination"/>,
    /// bypassing the cache when <paramref name="streaming"/> is set and the address is aligned to the vector's size.
    /// </summary>
    /// <remarks>
    /// With <paramref name="streaming"/> set, the destination must be pinned (towers pass pinned buffers only), and
    /// the kernel must call <see cref="EndStreaming"/> before another thread reads what it wrote.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector<T> value, ref T destination, nuint index, bool streaming)
        where T : unmanaged
    {
        if (streaming)
        {
            void* address = Unsafe.AsPointer(ref Unsafe.Add(ref destination, index));
            nuint size = (nuint)Unsafe.SizeOf<Vector<T>>();
            if ((nuint)address % size == 0)
            {
                if (size == 32)
                {
                    Vector256.StoreAlignedNonTemporal(value.AsVector256(), (T*)address);
                    return;
                }

                if (size == 64)
                {
                    Vector512.StoreAlignedNonTemporal(value.AsVector512(), (T*)address);
                    return;
                }

                if (size == 16)
                {
                    Vector128.StoreAlignedNonTemporal(value.AsVector128(), (T*)address);
                    return;
                }
            }
        }

        Vector.StoreUnsafe(value, ref destination, index);
    }

    /// <summary>The <see cref="Vector512{T}"/> form of <see cref="Store{T}(Vector{T}, ref T, nuint, bool)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector512<T> value, ref T destination, nuint index, bool streaming)
        where T : unmanaged
    {
        if (streaming)
        {
            T* address = (T*)Unsafe.AsPointer(ref Unsafe.Add(ref destination, index));
            if ((nuint)address % 64 == 0)
            {
                Vector512.StoreAlignedNonTemporal(value, address);
                return;
            }
        }

        Vector512.StoreUnsafe(value, ref destination, index);
    }

    /// <summary>
    /// Orders the non-temporal stores made so far before any later store, so that the thread that waits for this
    /// kernel sees what it wrote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EndStreaming()
    {
        if (Sse.IsSupported)
        {
            Sse.StoreFence();
        }
    }
}
