using System;

namespace HyperGen.Checkpoints;

/// <summary>
/// A checkpoint that cannot be used: truncated, corrupted, of another format version, or written for another tower
/// or model. The message names the file and what is wrong; nothing was changed when this is thrown.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
    public CheckpointException(string path, string problem)
        : base($"Checkpoint '{path}': {problem}")
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/> with the error that revealed the problem.</summary>
    public CheckpointException(string path, string problem, Exception innerException)
        : base($"Checkpoint '{path}': {problem}", innerException)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
