using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace HyperGen;

/// <summary>Start-up checks that every rank of a job was given the same thing (tower, seed, data).</summary>
public static class RankAgreement
{
    /// <summary>
    /// Compares a hash of <paramref name="description"/> across every rank (one all-gather of 8 bytes a rank) and
    /// throws on every rank where any rank's differs, so that a job started with mismatched inputs stops at once
    /// instead of training different models or hanging in mismatched collectives.
    /// </summary>
    /// <param name="communicator">The ranks to compare.</param>
    /// <param name="what">What is compared, for the message ("tower", "seed").</param>
    /// <param name="description">A canonical description: equal on two ranks exactly when the two agree.</param>
    /// <exception cref="RankMismatchException">Some rank's description differs from another's.</exception>
    public static void EnsureSameOnAllRanks(this ITowerCommunicator communicator, string what, string description)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(what);
        ArgumentNullException.ThrowIfNull(description);
        int size = communicator.Size;
        var hashes = new long[size];
        hashes[communicator.Rank] = Hash(description);
        var counts = new int[size];
        Array.Fill(counts, 1);
        communicator.AllGather<long>(hashes, counts);

        var differing = new List<int>();
        for (int r = 1; r < size; r++)
        {
            if (hashes[r] != hashes[0])
            {
                differing.Add(r);
            }
        }

        if (differing.Count > 0)
        {
            throw new RankMismatchException(
                $"The ranks were started with different {what}s: rank {string.Join(", ", differing)} {(differing.Count == 1 ? "differs" : "differ")} from rank 0 " +
                $"(rank {communicator.Rank} has {description}).");
        }
    }

    /// <summary>The first 8 bytes of the SHA-256 of the UTF-8 text: a stable hash, equal on every machine.</summary>
    internal static long Hash(string description)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(description), digest);
        return BitConverter.ToInt64(digest);
    }
}

/// <summary>The ranks of a job were started with different inputs (tower, seed or data); every rank throws it.</summary>
public sealed class RankMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    /// <param name="message">Which ranks differ from rank 0, and this rank's input.</param>
    public RankMismatchException(string message)
        : base(message)
    {
    }
}
