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
}
