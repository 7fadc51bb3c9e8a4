using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperGen.Bench;

/// <summary>
/// The floor of a tower row: a step that moves exactly the elements <see cref="TrafficModel.TowerTraffic"/> counts
/// for that row, in the tower's two passes, on the bench's workers (the tower's threading and block size) and with the
/// tower's stores, but with trivial arithmetic: the first pass sums what it reads into one total; the second sums what
/// it reads, writes each stream it overwrites back plus <see cref="Scale"/> times the sum so far (its own value
/// included), and stores the whole sum to each stream it writes only. Whatever a tower row takes beyond its floor is
/// the tower's arithmetic and its way of walking the buffers, not its bytes, since both are measured in the same run.
/// </summary>
/// <remarks>
/// <para>
/// The buffers mirror the tower's: the shared weights (overwritten by the second pass) and gradients (read by both),
/// the state the update reads (overwritten where the tower overwrites it), and the buffers the update writes without
/// reading them, which the next step's first pass reads (stored partials; or the new state and the gradient copy,
/// where the tower recomputes its partials). The tower swaps the halves of its double-buffered state after each step;
/// the floor keeps the roles fixed, which moves the same bytes.
/// </para>
/// <para>
/// Both passes walk a block four vectors at a time, adding every stream's vectors into registers, so that a stream
/// costs one load and one add per vector (an overwritten stream also a multiply-add and a store) however many streams
/// the row has: each element is loaded once per pass, as in the tower's kernels, written for their optimizer. The
/// vectors are <see cref="Vector512{T}"/> where the runtime accelerates them, as in the generated kernels, else
/// <see cref="Vector{T}"/>; the stores to write-only buffers are the tower's (<see cref="VectorStores"/>).
/// </para>
/// </remarks>
internal sealed class TrafficFloor<T> : ParallelBlockJob, IMeasuredStep
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// The tower's threshold: from this size of one level-1 buffer on, its update writes the write-only buffers with
    /// streaming stores (<c>Tower&lt;T&gt;.DefaultStreamingThresholdBytes</c>, which a test keeps equal to this).
    /// </summary>
    public const long TowerStreamingThresholdBytes = 8L << 20;

    private readonly int _count;
    private readonly View[] _firstReads;
    private readonly View[] _updateReads;
    private readonly View[] _overwrites;
    private readonly View[] _writeOnly;
    private readonly double[] _blockSums;
    private readonly bool _streaming;
    private bool _updating;

    /// <summary>A floor over the bench's weights and gradients, with buffers of its own for the rest.</summary>
    /// <param name="traffic">The elements per parameter to move, pass by pass.</param>
    /// <param name="weights">The weights, which the second pass overwrites (unchanged with the default scale).</param>
    /// <param name="gradients">The gradients, which both passes read.</param>
    /// <param name="streamingThresholdBytes">From this size of one buffer on, the write-only stores stream; the tower's by default.</param>
    public TrafficFloor(PassTraffic traffic, T[] weights, T[] gradients, long streamingThresholdBytes = TowerStreamingThresholdBytes)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(gradients);
        int states = traffic.UpdateReads - 2;
        int kept = HeldElements(traffic) - states;
        if (weights.Length != gradients.Length || traffic.FirstPassReads < 1 || states < 0 || traffic.UpdateOverwrites < 1
            || traffic.UpdateOverwrites - 1 > states || traffic.UpdateWriteOnly < 0)
        {
            throw new ArgumentException(
                $"A floor reads g first, then w, g and the state, overwriting w and some of the state: {traffic} is not such a step.", nameof(traffic));
        }

        _count = weights.Length;
        _streaming = StreamsAt(traffic, _count, streamingThresholdBytes);
        _blockSums = new double[Math.Max(1, (_count + ParallelBlocks.BlockSize - 1) / ParallelBlocks.BlockSize)];

        var own = new List<Memory<T>>();
        View[] stateViews = Allocate(states, _count, own);
        View[] keptViews = Allocate(kept, _count, own);
        OwnBuffers = own;
        View weightView = new(weights, 0), gradientView = new(gradients, 0);
        _firstReads = [gradientView, .. keptViews.AsSpan(0, traffic.FirstPassReads - 1)];
        // The streams the update only reads, then those it overwrites (which it adds to the sum as it writes them).
        _updateReads = [gradientView, .. stateViews.AsSpan(traffic.UpdateOverwrites - 1)];
        _overwrites = [.. stateViews.AsSpan(0, traffic.UpdateOverwrites - 1), weightView];
        _writeOnly = keptViews[..traffic.UpdateWriteOnly];
    }

    /// <summary>
    /// What the second pass multiplies its sum by before adding it to what it overwrites. Zero unless a test sets it,
    /// so that every value stays as it started however long the bench runs (the JIT cannot see the zero, so the
    /// arithmetic and the stores happen all the same).
    /// </summary>
    public T Scale { get; init; }

    /// <summary>Whether the second pass streams its write-only stores (see <see cref="StreamsAt"/>).</summary>
    public bool Streams => _streaming;

    /// <summary>The buffers the floor holds besides the weights and gradients: the state, then the write-only buffers.</summary>
    internal IReadOnlyList<Memory<T>> OwnBuffers { get; }

    /// <summary>
    /// Whether a floor of <paramref name="traffic"/> over <paramref name="count"/> elements streams its write-only
    /// stores: it has some, and one buffer reaches <paramref name="thresholdBytes"/>.
    /// </summary>
    public static bool StreamsAt(PassTraffic traffic, int count, long thresholdBytes = TowerStreamingThresholdBytes) =>
        traffic.UpdateWriteOnly > 0 && (long)count * Unsafe.SizeOf<T>() >= thresholdBytes;

    /// <summary>Elements per parameter a floor holds besides the weights and gradients: the state and the write-only buffers.</summary>
    public static int HeldElements(PassTraffic traffic) =>
        traffic.UpdateReads - 2 + Math.Max(traffic.FirstPassReads - 1, traffic.UpdateWriteOnly);

    /// <summary>The last first pass's sum of everything it read, added in block order.</summary>
    public double FirstPassTotal { get; private set; }

    public void Step()
    {
        _updating = false;
        ParallelBlocks.Run(this, _count);
        double total = 0;
        for (int block = 0; block < _blockSums.Length; block++)
        {
            total += _blockSums[block];
        }

        FirstPassTotal = total;
        _updating = true;
        ParallelBlocks.Run(this, _count);
    }

    protected override void RunBlock(int start, int length)
    {
        if (!_updating)
        {
            _blockSums[start / ParallelBlocks.BlockSize] = FirstPass(start, length);
            return;
        }

        Update(start, length);
        if (Streams)
        {
            // Streaming stores are weakly ordered: make them visible before the block is reported done.
            VectorStores.EndStreaming();
        }
    }

    /// <summary><paramref name="count"/> pinned, aligned buffers of <paramref name="length"/> ones, each also added to <paramref name="own"/>.</summary>
    private static View[] Allocate(int count, int length, List<Memory<T>> own)
    {
        var views = new View[count];
        for (int i = 0; i < count; i++)
        {
            T[] buffer = BenchBuffers.Aligned(length, T.One, out int offset);
            views[i] = new View(buffer, offset);
            own.Add(buffer.AsMemory(offset, length));
        }

        return views;
    }

    /// <summary>The first pass over one block: the sum of every stream it reads.</summary>
    private double FirstPass(int start, int length)
    {
        View[] streams = _firstReads;
        int i = 0;
        T total = T.Zero;

        // Four vectors at a time: they stay in registers while every stream's are added to them, so each stream costs
        // one load and one add per vector, as if the loop were written for this many streams.
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<T>.Count;
            Vector512<T> t0 = default, t1 = default, t2 = default, t3 = default;
            for (; i <= length - (4 * (int)w); i += 4 * (int)w)
            {
                for (int k = 0; k < streams.Length; k++)
                {
                    ref T s = ref streams[k].At(start + i);
                    t0 += Vector512.LoadUnsafe(ref s);
                    t1 += Vector512.LoadUnsafe(ref s, w);
                    t2 += Vector512.LoadUnsafe(ref s, 2 * w);
                    t3 += Vector512.LoadUnsafe(ref s, 3 * w);
                }
            }

            total = Vector512.Sum((t0 + t1) + (t2 + t3));
        }
        else
        {
            nuint w = (nuint)Vector<T>.Count;
            Vector<T> t0 = default, t1 = default, t2 = default, t3 = default;
            for (; i <= length - (4 * (int)w); i += 4 * (int)w)
            {
                for (int k = 0; k < streams.Length; k++)
                {
                    ref T s = ref streams[k].At(start + i);
                    t0 += Vector.LoadUnsafe(ref s);
                    t1 += Vector.LoadUnsafe(ref s, w);
                    t2 += Vector.LoadUnsafe(ref s, 2 * w);
                    t3 += Vector.LoadUnsafe(ref s, 3 * w);
                }
            }

            total = Vector.Sum((t0 + t1) + (t2 + t3));
        }

        // The rest of the last block.
        for (; i < length; i++)
        {
            foreach (View stream in streams)
            {
                total += stream.At(start + i);
            }
        }

        return double.CreateTruncating(total);
    }

    /// <summary>
    /// The update over one block: the sum of the streams it only reads; then each stream it overwrites, added to the
    /// sum and written back plus <see cref="Scale"/> times the sum; then the whole sum, stored to each stream it writes
    /// only.
    /// </summary>
    private void Update(int start, int length)
    {
        View[] reads = _updateReads;
        View[] overwrites = _overwrites;
        View[] writeOnly = _writeOnly;
        bool streaming = _streaming;
        T scale = Scale;
        int i = 0;

        // Four vectors at a time, as in the first pass; the overwritten streams come last, each added to the sum as it is written.
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<T>.Count;
            var scales = Vector512.Create(scale);
            for (; i <= length - (4 * (int)w); i += 4 * (int)w)
            {
                int at = start + i;
                Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int k = 0; k < reads.Length; k++)
                {
                    ref T s = ref reads[k].At(at);
                    a0 += Vector512.LoadUnsafe(ref s);
                    a1 += Vector512.LoadUnsafe(ref s, w);
                    a2 += Vector512.LoadUnsafe(ref s, 2 * w);
                    a3 += Vector512.LoadUnsafe(ref s, 3 * w);
                }

                for (int k = 0; k < overwrites.Length; k++)
                {
                    ref T t = ref overwrites[k].At(at);
                    var v0 = Vector512.LoadUnsafe(ref t);
                    var v1 = Vector512.LoadUnsafe(ref t, w);
                    var v2 = Vector512.LoadUnsafe(ref t, 2 * w);
                    var v3 = Vector512.LoadUnsafe(ref t, 3 * w);
                    a0 += v0;
                    a1 += v1;
                    a2 += v2;
                    a3 += v3;
                    (v0 + (scales * a0)).StoreUnsafe(ref t);
                    (v1 + (scales * a1)).StoreUnsafe(ref t, w);
                    (v2 + (scales * a2)).StoreUnsafe(ref t, 2 * w);
                    (v3 + (scales * a3)).StoreUnsafe(ref t, 3 * w);
                }

                for (int k = 0; k < writeOnly.Length; k++)
                {
                    ref T t = ref writeOnly[k].At(at);
                    VectorStores.Store(a0, ref t, 0, streaming);
                    VectorStores.Store(a1, ref t, w, streaming);
                    VectorStores.Store(a2, ref t, 2 * w, streaming);
                    VectorStores.Store(a3, ref t, 3 * w, streaming);
                }
            }
        }
        else
        {
            nuint w = (nuint)Vector<T>.Count;
            var scales = new Vector<T>(scale);
            for (; i <= length - (4 * (int)w); i += 4 * (int)w)
            {
                int at = start + i;
                Vector<T> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int k = 0; k < reads.Length; k++)
                {
                    ref T s = ref reads[k].At(at);
                    a0 += Vector.LoadUnsafe(ref s);
                    a1 += Vector.LoadUnsafe(ref s, w);
                    a2 += Vector.LoadUnsafe(ref s, 2 * w);
                    a3 += Vector.LoadUnsafe(ref s, 3 * w);
                }

                for (int k = 0; k < overwrites.Length; k++)
                {
                    ref T t = ref overwrites[k].At(at);
                    var v0 = Vector.LoadUnsafe(ref t);
                    var v1 = Vector.LoadUnsafe(ref t, w);
                    var v2 = Vector.LoadUnsafe(ref t, 2 * w);
                    var v3 = Vector.LoadUnsafe(ref t, 3 * w);
                    a0 += v0;
                    a1 += v1;
                    a2 += v2;
                    a3 += v3;
                    (v0 + (scales * a0)).StoreUnsafe(ref t);
                    (v1 + (scales * a1)).StoreUnsafe(ref t, w);
                    (v2 + (scales * a2)).StoreUnsafe(ref t, 2 * w);
                    (v3 + (scales * a3)).StoreUnsafe(ref t, 3 * w);
                }

                for (int k = 0; k < writeOnly.Length; k++)
                {
                    ref T t = ref writeOnly[k].At(at);
                    VectorStores.Store(a0, ref t, 0, streaming);
                    VectorStores.Store(a1, ref t, w, streaming);
                    VectorStores.Store(a2, ref t, 2 * w, streaming);
                    VectorStores.Store(a3, ref t, 3 * w, streaming);
                }
            }
        }

        // The rest of the last block, element by element with ordinary stores.
        for (; i < length; i++)
        {
            int at = start + i;
            T sum = T.Zero;
            foreach (View stream in reads)
            {
                sum += stream.At(at);
            }

            foreach (View stream in overwrites)
            {
                T value = stream.At(at);
                sum += value;
                stream.At(at) = value + (scale * sum);
            }

            foreach (View stream in writeOnly)
            {
                stream.At(at) = sum;
            }
        }
    }

    /// <summary>A stream of the floor: an array and where its elements start (aligned, for the floor's own buffers).</summary>
    private readonly record struct View(T[] Array, int Offset)
    {
        public ref T At(int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Array), Offset + index);
    }
}
