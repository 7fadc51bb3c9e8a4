using System;

namespace HyperGen.Cli;

/// <summary>The <c>hypergen</c> executable.</summary>
public static class Program
{
    /// <summary>Runs the command line against the process's console.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The exit code (see <see cref="CliApp"/>).</returns>
    public static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error);
}
