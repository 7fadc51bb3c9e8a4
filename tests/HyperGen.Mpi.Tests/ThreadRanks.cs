using System;
using System.Threading;
using System.Threading.Tasks;

namespace HyperGen.Mpi.Tests;

/// <summary>
/// Ranks as threads of this process, for testing sharded towers without MPI: an all-gather is a copy through shared
/// arrays between two barriers.
/// </summary>
internal sealed class ThreadRanks
{
    private readonly Barrier _barrier;
    private readonly Array?[] _parts;

    private ThreadRanks(int size)
    {
        _barrier = new Barrier(size);
        _parts = new Array?[size];
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads, one per rank, and returns what each returned.</summary>
    public static TResult[] Run<TResult>(int size, Func<ITowerCommunicator, TResult> body)
    {
        var ranks = new ThreadRanks(size);
        var tasks = new Task<TResult>[size];
        for (int r = 0; r < size; r++)
        {
            var communicator = new Communicator(ranks, r);
            tasks[r] = Task.Factory.StartNew(() => body(communicator), TaskCreationOptions.LongRunning);
        }

        if (!Task.WaitAll(tasks, TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException("The ranks did not finish within 2 minutes.");
        }

        return Array.ConvertAll(tasks, t => t.Result);
    }

    private sealed class Communicator(ThreadRanks ranks, int rank) : ITowerCommunicator
    {
        public int Rank => rank;

        public int Size => ranks._parts.Length;

        public void AllGather<TValue>(Span<TValue> values, ReadOnlySpan<int> counts)
            where TValue : unmanaged
        {
            int[] offsets = new int[Size + 1];
            for (int r = 0; r < Size; r++)
            {
                offsets[r + 1] = offsets[r] + counts[r];
            }

            ranks._parts[rank] = values[offsets[rank]..offsets[rank + 1]].ToArray();
            Wait();
            for (int r = 0; r < Size; r++)
            {
                ((TValue[])ranks._parts[r]!).CopyTo(values[offsets[r]..]);
            }

            // No rank publishes its next part before every rank has read this one.
            Wait();
        }

        private void Wait()
        {
            if (!ranks._barrier.SignalAndWait(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"Rank {rank} waited 30 s for the others in an all-gather.");
            }
        }
    }
}
