using System;
using System.IO;
using Spectre.Console;

namespace HyperGen.Cli;

/// <summary>
/// The Spectre console for a command's output: live progress bars and colour on an interactive terminal; plain
/// text (no ANSI escapes, no cursor movement) when the output is redirected to a file, a pipe or a test's writer.
/// </summary>
internal static class TerminalOutput
{
    /// <summary>The line width when the output is not a terminal: wide, so that log lines are never wrapped (tables take only the width they need).</summary>
    private const int PlainWidth = 400;

    /// <summary>Whether <paramref name="stdout"/> is the process's own console attached to a terminal.</summary>
    public static bool IsInteractive(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>A console writing to <paramref name="stdout"/>, interactive only where <see cref="IsInteractive"/>.</summary>
    public static IAnsiConsole Create(TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (IsInteractive(stdout))
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        console.Profile.Width = PlainWidth;
        return console;
    }
}
