using System;
using System.CommandLine;
using System.IO;

namespace HyperGen.Cli.Commands.Train.Checkpoints;

/// <summary>The <c>--checkpoint DIR</c>, <c>--checkpoint-every STEPS</c> and <c>--resume</c> options of <c>hypergen train</c>.</summary>
internal sealed class CheckpointOptions
{
    private readonly Option<string?> _directory = new("--checkpoint")
    {
        Description = $"Save the whole training state to DIR/{TrainingCheckpointFile.FileName} at the start, every --checkpoint-every steps and after every epoch (atomically: a killed run keeps its last checkpoint).",
        HelpName = "DIR",
    };

    private readonly Option<int> _every = new("--checkpoint-every")
    {
        Description = "Steps between checkpoints.",
        HelpName = "STEPS",
        DefaultValueFactory = _ => 100,
    };

    private readonly Option<bool> _resume = new("--resume")
    {
        Description = "Continue the run saved in the --checkpoint folder; it continues exactly as the uninterrupted run would have.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_directory);
        command.Options.Add(_every);
        command.Options.Add(_resume);
    }

    /// <summary>The checkpointing the options ask for; null when there is none.</summary>
    /// <exception cref="CliInputException">The options contradict each other or the folder cannot be created.</exception>
    public CheckpointSchedule? Read(ParseResult result)
    {
        string? directory = result.GetValue(_directory);
        int every = result.GetValue(_every);
        bool resume = result.GetValue(_resume);
        if (every < 1)
        {
            throw new CliInputException($"--checkpoint-every: must be at least 1, not {every}");
        }

        if (directory is null)
        {
            return resume ? throw new CliInputException("--resume: needs --checkpoint DIR, the folder holding the run to continue") : null;
        }

        if (directory.Trim().Length == 0)
        {
            throw new CliInputException("--checkpoint: the folder name is empty");
        }

        string path = Path.Combine(directory, TrainingCheckpointFile.FileName);
        if (resume && !File.Exists(path))
        {
            throw new CliInputException($"--resume: there is no checkpoint at '{path}'");
        }

        // A fresh run would replace it with its own first checkpoint: the saved run would be lost to a forgotten flag.
        if (!resume && File.Exists(path))
        {
            throw new CliInputException(
                $"--checkpoint: '{path}' already holds a run; add --resume to continue it, or choose another folder");
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliInputException($"--checkpoint: cannot create '{directory}': {e.Message}", e);
        }

        return new CheckpointSchedule(path, every, resume);
    }
}
