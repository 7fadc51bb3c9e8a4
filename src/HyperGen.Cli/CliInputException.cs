using System;

namespace HyperGen.Cli;

/// <summary>
/// Bad input from the user (a malformed spec, an unreadable file, invalid JSON): reported as one line on stderr with
/// exit code 2, never as a stack trace.
/// </summary>
internal sealed class CliInputException : Exception
{
    public CliInputException(string message)
        : base(message)
    {
    }

    public CliInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Extra lines printed before the error line, such as compiler diagnostics; empty when there are none.</summary>
    public string[] DetailLines { get; init; } = [];

    /// <summary>
    /// Whether another process prints this error: the ranks of <c>train --distributed mpi</c> that are not rank 0
    /// fail as rank 0 does on a mismatch found by all of them, and exit with the code without repeating its line.
    /// </summary>
    public bool ReportedElsewhere { get; init; }
}
