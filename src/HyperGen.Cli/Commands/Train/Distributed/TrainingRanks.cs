using System;
using System.Collections.Generic;
using HyperGen.Mpi;
using HyperGen.Training;

namespace HyperGen.Cli.Commands.Train.Distributed;

/// <summary>
/// The ranks of a <c>train --distributed mpi</c> run: MPI's world as the trainer's data-parallel group (the rank-order
/// all-reduce of <see cref="MpiWorld.AllReduceSum(Span{float})"/>, so every rank holds the same gradient bits) and,
/// with <c>--shard-optimizer</c>, as the sharded tower's communicator. Rank 0 alone prints and writes files.
/// </summary>
internal sealed class TrainingRanks : IDataParallelGroup, IDisposable
{
    private readonly MpiWorld _world;

    /// <summary>Whether every rank is known to end here together, so that MPI_Finalize, which waits for all, cannot hang.</summary>
    private bool _endTogether;

    private TrainingRanks(MpiWorld world, bool shardOptimizer)
    {
        _world = world;
        ShardOptimizer = shardOptimizer;
    }

    public int Rank => _world.Rank;

    public int Size => _world.Size;

    /// <summary>Whether this rank prints, writes the run's files and writes checkpoints.</summary>
    public bool IsRoot => _world.Rank == 0;

    /// <summary>Whether each rank steps only its shard of the tower.</summary>
    public bool ShardOptimizer { get; }

    /// <summary>The communicator a sharded tower exchanges over.</summary>
    public ITowerCommunicator Communicator => _world;

    /// <summary>Joins the job mpirun started.</summary>
    /// <exception cref="CliInputException">This process was not started by mpirun, or MPI cannot start.</exception>
    public static TrainingRanks Start(DistributedSettings settings)
    {
        if (!MpiWorld.IsUnderMpirun)
        {
            throw new CliInputException(
                $"{DistributedOptions.Name} mpi: this process was not started by mpirun; start the ranks with mpirun -np N hypergen train {DistributedOptions.Name} mpi ...");
        }

        try
        {
            return new TrainingRanks(MpiWorld.Start(), settings.ShardOptimizer);
        }
        catch (MpiException e)
        {
            throw new CliInputException($"{DistributedOptions.Name} mpi: {e.Message}", e);
        }
    }

    /// <summary>
    /// Stops every rank at start-up where any was started with another configuration: one comparison (8 bytes a
    /// rank) per entry, so that the message names what differs. Rank 0 prints the one line; the others exit quietly.
    /// </summary>
    /// <param name="configuration">What must agree, by name ("tower", "seed", "data" ...), each as canonical text.</param>
    /// <exception cref="CliInputException">An entry differs on some rank (thrown on every rank).</exception>
    public void EnsureSameConfiguration(IEnumerable<KeyValuePair<string, string>> configuration)
    {
        foreach ((string what, string text) in configuration)
        {
            try
            {
                _world.EnsureSameOnAllRanks(what, text);
            }
            catch (RankMismatchException e)
            {
                // Every rank found it in the same collective, so all of them leave now and may finalize together.
                _endTogether = true;
                throw new CliInputException($"{DistributedOptions.Name} mpi: {e.Message}", e) { ReportedElsewhere = !IsRoot };
            }
        }
    }

    public void AllReduceSum(Span<float> values) => _world.AllReduceSum(values);

    /// <summary>Marks the run as finished on every rank (the last collective is behind it).</summary>
    public void Finished() => _endTogether = true;

    /// <summary>
    /// Finalizes MPI when every rank ends together. A rank that fails alone (unreadable data, an unwritable
    /// checkpoint) exits without it: MPI_Finalize would wait for ranks blocked in a collective, while an exit without
    /// it makes mpirun end the whole job (docs/distributed.md, Faults).
    /// </summary>
    public void Dispose()
    {
        if (_endTogether)
        {
            _world.Dispose();
        }
    }
}
