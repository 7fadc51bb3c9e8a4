using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using HyperGen.Cli.Commands.Bench;
using HyperGen.Cli.Commands.Check;
using HyperGen.Cli.Commands.Reproduce;
using HyperGen.Cli.Commands.Trace;
using HyperGen.Cli.Commands.Train;

namespace HyperGen.Cli;

/// <summary>
/// The <c>hypergen</c> command line, runnable in-process. Exit codes: 0 success; 1 <c>check</c> found errors or a
/// failed gradient check; 2 bad input, reported as one <c>hypergen: error: ...</c> line on stderr; 3 a bug in
/// HyperGen itself; 4 a <c>trace</c> that stopped at a step that was not finite (see <see cref="ExitCodes"/>).
/// </summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the command they name.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Receives the command's results (JSON for <c>trace</c>, the report for <c>check</c>).</param>
    /// <param name="stderr">Receives errors and warnings.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        ParseResult parsed = CreateRootCommand().Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            // System.CommandLine would print every error and the whole help text; one line says enough, and
            // --help is there for the rest.
            stderr.WriteLine($"hypergen: error: {OneLine(string.Join("; ", parsed.Errors.Select(e => e.Message)))} (see hypergen --help)");
            return ExitCodes.BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (CliInputException e) when (e.ReportedElsewhere)
        {
            return ExitCodes.BadInput;
        }
        catch (CliInputException e)
        {
            foreach (string line in e.DetailLines)
            {
                stderr.WriteLine(line);
            }

            stderr.WriteLine($"hypergen: error: {OneLine(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"hypergen: internal error: {e.GetType().Name}: {OneLine(e.Message)} (please report this)");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command tree; a fresh one per run, since commands hold no state worth sharing.</summary>
    /// <remarks>
    /// A plain command named <c>hypergen</c> with the help and version options rather than a
    /// <see cref="RootCommand"/>, which would take its name from the executable (HyperGen.Cli under dotnet run).
    /// </remarks>
    internal static Command CreateRootCommand()
    {
        var root = new Command(
            "hypergen",
            "HyperGen: towers of optimizers that tune their own hyperparameters (Chandra et al., \"Gradient Descent: The Ultimate Optimizer\").")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ReproduceCommand.Create());
        return root;
    }

    /// <summary>Error messages go on one line even when an inner message spans several.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
