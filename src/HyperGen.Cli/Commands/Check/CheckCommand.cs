using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using HyperGen.Cli.Definitions;

namespace HyperGen.Cli.Commands.Check;

/// <summary>
/// <c>hypergen check</c>: compiles definition files with the generator, prints its diagnostics, and
/// gradient-checks every optimizer it compiled (see <see cref="GradientChecker"/>).
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE.cs")
        {
            Description = "C# files of [HyperOptimize] optimizers, compiled as a project with implicit usings would; each on its own unless it uses what another declares.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("check", "Compile optimizer definitions, report diagnostics, and check the generated derivatives against finite differences.")
        {
            files,
        };
        command.SetAction(result => Execute(
            result.GetRequiredValue(files), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    private static int Execute(string[] paths, TextWriter stdout, TextWriter stderr)
    {
        using DefinitionCompilation compiled = DefinitionCompiler.Compile(InputFiles.ReadDefinitions(paths));
        foreach (string line in compiled.FormatDiagnostics())
        {
            stdout.WriteLine(line);
        }

        if (compiled.HasErrors)
        {
            return ExitCodes.CheckFailed;
        }

        if (compiled.Definitions.Count == 0)
        {
            stderr.WriteLine("hypergen: warning: no [HyperOptimize] step method was found; nothing to check");
            return ExitCodes.Success;
        }

        var results = new List<GradientCheckResult>();
        foreach (OptimizerDefinition definition in compiled.Definitions)
        {
            if (definition.HyperParameters.Count == 0)
            {
                stdout.WriteLine($"{definition.Name}  has no hyperparameters; nothing to check");
            }

            results.AddRange(GradientChecker.Check(definition));
        }

        WriteTable(results, stdout);
        int failed = results.Count(r => !r.Passed);
        stdout.WriteLine(failed == 0
            ? $"{results.Count} derivatives checked, all within {GradientChecker.Tolerance:0e+0}"
            : $"{failed} of {results.Count} derivatives failed (tolerance {GradientChecker.Tolerance:0e+0})");
        return failed == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>One line per hyperparameter, e.g. <c>Adam  alpha  max rel err 3.1e-10  ok</c>, columns aligned.</summary>
    private static void WriteTable(List<GradientCheckResult> results, TextWriter stdout)
    {
        if (results.Count == 0)
        {
            return;
        }

        int nameWidth = results.Max(r => r.Optimizer.Length);
        int hyperWidth = results.Max(r => r.HyperParameter.Length);
        foreach (GradientCheckResult result in results)
        {
            string error = double.IsNaN(result.MaxError)
                ? "not finite"
                : result.MaxError.ToString("0.0e+00", CultureInfo.InvariantCulture);
            string verdict = result.Passed ? "ok" : "FAIL";
            string line = $"{result.Optimizer.PadRight(nameWidth)}  {result.HyperParameter.PadRight(hyperWidth)}  max rel err {error}  {verdict}";
            stdout.WriteLine(result.Failure is null ? line : $"{line}  ({result.Failure})");
        }
    }
}
