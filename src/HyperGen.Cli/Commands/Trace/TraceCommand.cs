using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using HyperGen.Cli.Definitions;

namespace HyperGen.Cli.Commands.Trace;

/// <summary>
/// <c>hypergen trace</c>: runs a tower on a small quadratic problem and prints every step's loss and
/// hyperparameters as JSON, so that a tower can be compared with an independent implementation.
/// </summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var tower = new Option<string>("--tower")
        {
            Description = "The tower, bottom level first, e.g. adam(alpha=1e-3)/sgd(alpha=1e-5).",
            HelpName = "SPEC",
            Required = true,
        };
        var problem = new Option<string>("--problem")
        {
            Description = "JSON problem file: {\"a\":[..],\"b\":[..],\"w0\":[..],\"noise\":[[..],..],\"steps\":K} (noise optional).",
            HelpName = "FILE.json",
            Required = true,
        };
        var definitions = new DefinitionsOption();
        var precision = new Option<string>("--precision")
        {
            Description = "The precision the tower runs in.",
            DefaultValueFactory = _ => "double",
        };
        precision.AcceptOnlyFromAmong("double", "float");
        var keepGoing = new Option<bool>("--keep-going")
        {
            Description = "Trace every step of a diverging run: skip the steps the tower refuses and write non-finite losses as \"NaN\"/\"Infinity\" (exit code 0), instead of stopping at the first (exit code 4).",
        };
        var pretty = new Option<bool>("--pretty")
        {
            Description = "Indent the JSON (the default when stdout is a terminal; --pretty false for one line there).",
        };

        var command = new Command("trace", "Run a tower on a quadratic problem and print each step's loss and hyperparameters as JSON.")
        {
            tower, problem, definitions.Option, precision, keepGoing, pretty,
        };
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;

            // Indented for a person at a terminal, one line for a program reading a pipe or a file, unless asked.
            bool indented = result.GetResult(pretty) is null ? TerminalOutput.IsInteractive(stdout) : result.GetValue(pretty);
            return Execute(
                result.GetRequiredValue(tower),
                result.GetRequiredValue(problem),
                definitions.Read(result),
                result.GetRequiredValue(precision),
                new TraceOptions(result.GetValue(keepGoing), indented),
                stdout,
                result.InvocationConfiguration.Error);
        });
        return command;
    }

    private static int Execute(
        string towerText, string problemPath, IReadOnlyList<string> definitionPaths, string precision, TraceOptions options, TextWriter stdout, TextWriter stderr)
    {
        // Read the problem first: it is cheap, and a typo in its path should not wait for a compilation.
        QuadraticProblem problem = ProblemReader.Read(problemPath);
        using DefinitionCompilation? compiled = DefinitionsOption.CompileOrThrow(definitionPaths, stderr);
        OptimizerCatalog catalog = compiled?.CreateCatalog() ?? OptimizerCatalog.BuiltIn;

        TowerSpec spec;
        try
        {
            spec = TowerSpec.Parse(towerText, catalog);
        }
        catch (TowerSpecException e)
        {
            throw new CliInputException($"--tower: {e.Message}", e);
        }

        TraceOutcome outcome = precision == "float"
            ? TraceRunner.Run<float>(spec, ToFloatChecked(problem, problemPath), stdout, options)
            : TraceRunner.Run<double>(spec, problem, stdout, options);
        if (outcome.Stop is TraceStop stop)
        {
            // One line, after the JSON that ends at the last good step: what was not finite, where, and the way out.
            string written = stop.Step > 1 ? $"The trace ends at step {stop.Step - 1} of {problem.Steps}" : "The trace holds no step";
            stderr.WriteLine($"hypergen: error: {stop.Reason} {written}; --keep-going traces every step.");
            return ExitCodes.Diverged;
        }

        if (outcome.FirstNonFiniteLoss is int t)
        {
            stderr.WriteLine(
                $"hypergen: warning: the loss is not finite from step {t}; such numbers are written as the strings \"NaN\", \"Infinity\", \"-Infinity\"");
        }

        return ExitCodes.Success;
    }

    /// <summary>Float runs need every number to fit in a float; one that overflows would silently become infinite.</summary>
    private static QuadraticProblem ToFloatChecked(QuadraticProblem problem, string source) =>
        problem.FindValueOutsideFloatRange() is string value
            ? throw new CliInputException($"{source}: field {value} does not fit in a float (--precision float)")
            : problem;
}
