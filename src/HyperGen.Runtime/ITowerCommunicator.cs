using System;

namespace HyperGen;

/// <summary>
/// The one collective operation a sharded tower needs from the processes (ranks) that share it: every rank's values,
/// concatenated in rank order, delivered to every rank. An MPI implementation is HyperGen.Mpi's <c>MpiWorld</c>; the
/// runtime itself depends on no transport.
/// </summary>
/// <remarks>
/// Gathering, not reducing, is what keeps sharded towers exact: each rank adds the gathered values itself, in one
/// fixed order, so every rank computes the same bits, and the order can be the one-process tower's (a sum over
/// ranks inside the transport, such as MPI_Allreduce, fixes neither).
/// </remarks>
public interface ITowerCommunicator
{
    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1.</summary>
    int Rank { get; }

    /// <summary>How many ranks share the work.</summary>
    int Size { get; }

    /// <summary>
    /// Gathers in place: rank r's <paramref name="counts"/>[r] values lie at the offset <c>counts[0] + ... +
    /// counts[r - 1]</c> of <paramref name="values"/>; on return every rank's part is there on every rank. Every rank
    /// calls it with the same counts. It allocates nothing, and either completes or ends the job with a message
    /// (a rank that died or hangs must not leave the others waiting forever).
    /// </summary>
    /// <typeparam name="TValue">The element type (float, double, int, long, or any unmanaged type, moved as bytes).</typeparam>
    /// <param name="values">The gathered values, this rank's part filled in by the caller.</param>
    /// <param name="counts">How many values each rank contributes, one count per rank.</param>
    void AllGather<TValue>(Span<TValue> values, ReadOnlySpan<int> counts)
        where TValue : unmanaged;
}
