using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;

namespace HyperGen.Mpi;

/// <summary>
/// MPI_COMM_WORLD of a program started by <c>mpirun</c>: the ranks of the job, and the collectives HyperGen needs,
/// each bounded in time. Start it once per process (<see cref="Start"/>) and dispose it at the end (MPI_Finalize).
/// </summary>
/// <remarks>
/// <para>
/// Every collective is started non-blocking and polled: a rank that waits longer than
/// <see cref="CollectiveTimeout"/> for the others (because one died without the launcher noticing, or hangs) writes
/// one line to standard error and calls MPI_Abort, which ends every rank of the job. A rank that exits or crashes
/// is also noticed by Open MPI's mpirun, which then ends the others itself.
/// </para>
/// <para>
/// Call it from one thread at a time (MPI_THREAD_SERIALIZED): it keeps scratch buffers so that a collective
/// allocates nothing once they have grown.
/// </para>
/// </remarks>
public sealed unsafe class MpiWorld : ITowerCommunicator, IDisposable
{
    /// <summary>The exit code a rank aborts the job with when a collective waited past <see cref="CollectiveTimeout"/>.</summary>
    public const int TimeoutExitCode = 75;

    /// <summary>The environment variable that sets <see cref="CollectiveTimeout"/> in seconds when <see cref="Start"/> is given none.</summary>
    public const string TimeoutVariable = "HYPERGEN_MPI_TIMEOUT";

    private static int s_started;

    private readonly MpiHandles _handles;
    private int[] _counts;
    private int[] _displacements;
    private int[] _sendCounts;
    private int[] _sendDisplacements;
    private byte[] _scratch = [];
    private long _collectives;
    private bool _disposed;

    private MpiWorld(MpiHandles handles, int rank, int size, TimeSpan timeout)
    {
        _handles = handles;
        Rank = rank;
        Size = size;
        CollectiveTimeout = timeout;
        _counts = new int[size];
        _displacements = new int[size];
        _sendCounts = new int[size];
        _sendDisplacements = new int[size];
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>How long a collective waits for the other ranks before it aborts the job.</summary>
    public TimeSpan CollectiveTimeout { get; }

    /// <summary>Whether this process was started by Open MPI's mpirun (which sets OMPI_COMM_WORLD_SIZE).</summary>
    public static bool IsUnderMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>Starts MPI (MPI_Init_thread, serialized), once per process.</summary>
    /// <param name="collectiveTimeout">How long a collective may wait; <see cref="TimeoutVariable"/> or 5 minutes when null.</param>
    /// <exception cref="MpiException">Open MPI is missing, or MPI was started before in this process.</exception>
    public static MpiWorld Start(TimeSpan? collectiveTimeout = null)
    {
        TimeSpan timeout = collectiveTimeout ?? TimeoutFromEnvironment();
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(collectiveTimeout), timeout, "The collective timeout must be positive.");
        }

        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            throw new MpiException("MPI was started before in this process; MPI starts once per process (MPI_Init).");
        }

        MpiHandles handles = MpiHandles.Load();
        int provided;
        Check(MpiNative.InitThread(null, null, MpiNative.ThreadSerialized, &provided), "MPI_Init_thread");
        if (provided < MpiNative.ThreadSerialized)
        {
            throw new MpiException($"This MPI gives thread level {provided}; HyperGen needs MPI_THREAD_SERIALIZED ({MpiNative.ThreadSerialized}).");
        }

        int rank;
        int size;
        Check(MpiNative.CommRank(handles.CommWorld, &rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(handles.CommWorld, &size), "MPI_Comm_size");
        return new MpiWorld(handles, rank, size, timeout);
    }

    /// <inheritdoc/>
    public void AllGather<TValue>(Span<TValue> values, ReadOnlySpan<int> counts)
        where TValue : unmanaged
    {
        ThrowIfDisposed();
        (nint type, int scale) = TypeOf<TValue>();
        long total = Scale(counts, scale, _counts);
        if (total > values.Length * (long)scale)
        {
            throw new ArgumentException($"The counts add up to {total / scale} values; the buffer has {values.Length}.", nameof(values));
        }

        Displacements(_counts, _displacements);
        nint request;
        fixed (TValue* buffer = values)
        fixed (int* c = _counts)
        fixed (int* d = _displacements)
        {
            Check(MpiNative.Iallgatherv(MpiNative.InPlace, 0, type, buffer, c, d, type, _handles.CommWorld, &request), "MPI_Iallgatherv");
            Wait(&request, "all-gather");
        }
    }

    /// <summary>
    /// Sums <paramref name="values"/> over the ranks, in place, in rank order: every element becomes
    /// <c>((v0 + v1) + v2) + ...</c>, the same bits on every rank whatever the algorithms of the MPI library (whose
    /// MPI_Allreduce fixes no order). It moves what a ring all-reduce moves: an all-to-all that gives each rank one
    /// part of every rank's values, a sum, and an all-gather of the sums.
    /// </summary>
    /// <param name="values">This rank's values; the sums on return.</param>
    public void AllReduceSum(Span<float> values) => AllReduceSumInRankOrder(values);

    /// <inheritdoc cref="AllReduceSum(Span{float})"/>
    public void AllReduceSum(Span<double> values) => AllReduceSumInRankOrder(values);

    /// <summary>Copies rank <paramref name="root"/>'s values to every rank.</summary>
    /// <typeparam name="TValue">The element type.</typeparam>
    /// <param name="values">The values: read on the root, written on the others.</param>
    /// <param name="root">The rank whose values are copied.</param>
    public void Broadcast<TValue>(Span<TValue> values, int root)
        where TValue : unmanaged
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        (nint type, int scale) = TypeOf<TValue>();
        long count = values.Length * (long)scale;
        if (count > int.MaxValue)
        {
            throw new ArgumentException($"{values.Length} values are more than one MPI call moves.", nameof(values));
        }

        nint request;
        fixed (TValue* buffer = values)
        {
            Check(MpiNative.Ibcast(buffer, (int)count, type, root, _handles.CommWorld, &request), "MPI_Ibcast");
            Wait(&request, "broadcast");
        }
    }

    /// <summary>Waits until every rank has called it.</summary>
    public void Barrier()
    {
        ThrowIfDisposed();
        nint request;
        Check(MpiNative.Ibarrier(_handles.CommWorld, &request), "MPI_Ibarrier");
        Wait(&request, "barrier");
    }

    /// <summary>Writes <paramref name="message"/> to standard error and ends every rank of the job (MPI_Abort).</summary>
    /// <param name="message">Why, in one line; the rank is put before it.</param>
    /// <param name="exitCode">The code the job exits with.</param>
    [DoesNotReturn]
    public void Abort(string message, int exitCode)
    {
        Console.Error.WriteLine($"HyperGen.Mpi: rank {Rank} of {Size}: {message}");
        Console.Error.Flush();
        MpiNative.Abort(_handles.CommWorld, exitCode);

        // MPI_Abort does not return; should a library's do so, the rank must still not go on.
        Environment.Exit(exitCode);
        throw new UnreachableException();
    }

    /// <summary>Ends MPI (MPI_Finalize); every rank must call it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        int finalized;
        if (MpiNative.Finalized(&finalized) == 0 && finalized == 0)
        {
            Check(MpiNative.Finalize(), "MPI_Finalize");
        }
    }

    private void AllReduceSumInRankOrder<TValue>(Span<TValue> values)
        where TValue : unmanaged, System.Numerics.IAdditionOperators<TValue, TValue, TValue>
    {
        ThrowIfDisposed();
        (nint type, _) = TypeOf<TValue>();
        int size = Size;
        int n = values.Length;

        // Rank r owns elements [r * n / size, (r + 1) * n / size): it receives every rank's values of that part.
        for (int r = 0; r < size; r++)
        {
            int start = (int)((long)n * r / size);
            _sendDisplacements[r] = start;
            _sendCounts[r] = (int)((long)n * (r + 1) / size) - start;
        }

        int mine = _sendCounts[Rank];
        int myStart = _sendDisplacements[Rank];
        for (int r = 0; r < size; r++)
        {
            _counts[r] = mine;
            _displacements[r] = r * mine;
        }

        int needed = mine * size * sizeof(TValue);
        if (_scratch.Length < needed)
        {
            _scratch = new byte[needed];
        }

        fixed (TValue* buffer = values)
        fixed (byte* scratch = _scratch)
        {
            nint request;
            fixed (int* sc = _sendCounts)
            fixed (int* sd = _sendDisplacements)
            fixed (int* rc = _counts)
            fixed (int* rd = _displacements)
            {
                Check(MpiNative.Ialltoallv(buffer, sc, sd, type, scratch, rc, rd, type, _handles.CommWorld, &request), "MPI_Ialltoallv");
                Wait(&request, "all-reduce (all-to-all)");
            }

            var parts = (TValue*)scratch;
            TValue* sums = buffer + myStart;
            for (int i = 0; i < mine; i++)
            {
                TValue sum = parts[i];
                for (int r = 1; r < size; r++)
                {
                    sum += parts[((nint)r * mine) + i];
                }

                sums[i] = sum;
            }

            fixed (int* c = _sendCounts)
            fixed (int* d = _sendDisplacements)
            {
                Check(MpiNative.Iallgatherv(MpiNative.InPlace, 0, type, buffer, c, d, type, _handles.CommWorld, &request), "MPI_Iallgatherv");
                Wait(&request, "all-reduce (all-gather)");
            }
        }
    }

    /// <summary>Polls a started collective until it completes, or aborts the job once it waited past the timeout.</summary>
    private void Wait(nint* request, string operation)
    {
        long number = ++_collectives;
        long start = Stopwatch.GetTimestamp();
        long limit = (long)(CollectiveTimeout.TotalSeconds * Stopwatch.Frequency);
        for (int polls = 0; ; polls++)
        {
            int done;
            Check(MpiNative.Test(request, &done, null), "MPI_Test");
            if (done != 0)
            {
                return;
            }

            // A collective among ranks that keep pace completes within microseconds: spin that long, then share the
            // core, since a rank that waits for a slower one would otherwise take it from the rank it waits for.
            if (polls >= 1000)
            {
                if (Stopwatch.GetTimestamp() - start > limit)
                {
                    Abort(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"collective {number} ({operation}) waited {CollectiveTimeout.TotalSeconds:0.###} s for the other ranks; one of them has died or hangs. Aborting the job."),
                        TimeoutExitCode);
                }

                Thread.Yield();
            }
        }
    }

    private (nint Type, int Scale) TypeOf<TValue>()
        where TValue : unmanaged
    {
        if (typeof(TValue) == typeof(double))
        {
            return (_handles.Double, 1);
        }

        if (typeof(TValue) == typeof(float))
        {
            return (_handles.Float, 1);
        }

        if (typeof(TValue) == typeof(long))
        {
            return (_handles.Int64, 1);
        }

        if (typeof(TValue) == typeof(int))
        {
            return (_handles.Int, 1);
        }

        return (_handles.Byte, Unsafe.SizeOf<TValue>());
    }

    /// <summary>Copies the counts, scaled to the MPI type's elements, and returns their total.</summary>
    private long Scale(ReadOnlySpan<int> counts, int scale, int[] into)
    {
        if (counts.Length != Size)
        {
            throw new ArgumentException($"One count per rank: {Size} ranks, {counts.Length} counts.", nameof(counts));
        }

        long total = 0;
        for (int r = 0; r < counts.Length; r++)
        {
            long scaled = counts[r] * (long)scale;
            if (counts[r] < 0 || scaled > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), $"Rank {r}'s count, {counts[r]}, is negative or more than one MPI call moves.");
            }

            into[r] = (int)scaled;
            total += scaled;
        }

        if (total > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(counts), $"{total} elements are more than one MPI call moves.");
        }

        return total;
    }

    private static void Displacements(int[] counts, int[] into)
    {
        int at = 0;
        for (int r = 0; r < counts.Length; r++)
        {
            into[r] = at;
            at += counts[r];
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new MpiException($"{call} failed with MPI error {error}.");
        }
    }

    private static TimeSpan TimeoutFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (text is null)
        {
            return TimeSpan.FromMinutes(5);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0))
        {
            throw new MpiException($"{TimeoutVariable} must be a positive number of seconds, not '{text}'.");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
