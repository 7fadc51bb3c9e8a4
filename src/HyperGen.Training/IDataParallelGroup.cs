using System;

namespace HyperGen.Training;

/// <summary>
/// The processes (ranks) that train one model data-parallel (<see cref="TrainingOptions.DataParallel"/>): each
/// computes the gradient of its contiguous part of every batch, and <see cref="AllReduceSum"/> adds the parts, so that
/// every rank steps on the whole batch's gradient. The trainer needs nothing else from a communicator; the CLI's
/// <c>train --distributed mpi</c> implements it over HyperGen.Mpi, so this project stays free of MPI.
/// </summary>
public interface IDataParallelGroup
{
    /// <summary>This process's rank, from 0.</summary>
    int Rank { get; }

    /// <summary>How many ranks train together.</summary>
    int Size { get; }

    /// <summary>
    /// Replaces <paramref name="values"/> on every rank with their sum over all ranks. Every rank must get the same
    /// bits (added in a fixed rank order), or the ranks' replicated weights would drift apart.
    /// </summary>
    /// <param name="values">This rank's values; the sums afterwards.</param>
    void AllReduceSum(Span<float> values);
}
