using System.CommandLine;

namespace HyperGen.Cli.Commands.Train.Distributed;

/// <summary>The <c>--distributed none|mpi</c> and <c>--shard-optimizer</c> options of <c>hypergen train</c> (docs/distributed.md).</summary>
internal sealed class DistributedOptions
{
    /// <summary>The option's name, for messages.</summary>
    public const string Name = "--distributed";

    private readonly Option<string> _mode = new(Name)
    {
        Description = "none: one process. mpi: data-parallel over the ranks mpirun started (mpirun -np N hypergen train --distributed mpi ...); each rank computes its part of every batch, rank 0 prints and writes the files.",
        DefaultValueFactory = _ => "none",
    };

    private readonly Option<bool> _shard = new("--shard-optimizer")
    {
        Description = "With --distributed mpi: each rank steps and keeps level 1's state for its own shard of the weights only, then the ranks all-gather the weights (ZeRO-1).",
    };

    public DistributedOptions() => _mode.AcceptOnlyFromAmong("none", "mpi");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_mode);
        command.Options.Add(_shard);
    }

    /// <summary>The distribution asked for; null for one process.</summary>
    /// <exception cref="CliInputException"><c>--shard-optimizer</c> without <c>--distributed mpi</c>.</exception>
    public DistributedSettings? Read(ParseResult result)
    {
        bool mpi = result.GetRequiredValue(_mode) == "mpi";
        bool shard = result.GetValue(_shard);
        if (shard && !mpi)
        {
            throw new CliInputException($"--shard-optimizer: shards the tower between ranks; it needs {Name} mpi");
        }

        return mpi ? new DistributedSettings(shard) : null;
    }
}

/// <summary>A <c>--distributed mpi</c> run's settings.</summary>
/// <param name="ShardOptimizer">Whether each rank steps only its shard of the tower (<c>--shard-optimizer</c>).</param>
internal sealed record DistributedSettings(bool ShardOptimizer);
