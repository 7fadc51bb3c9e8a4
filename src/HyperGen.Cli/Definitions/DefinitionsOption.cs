using System.Collections.Generic;
using System.CommandLine;
using System.IO;

namespace HyperGen.Cli.Definitions;

/// <summary>
/// The <c>--definitions FILE.cs ...</c> option that <c>trace</c> and <c>train</c> share: C# files of
/// <c>[HyperOptimize]</c> optimizers, compiled in memory, whose optimizers the <c>--tower</c> spec may then name.
/// </summary>
internal sealed class DefinitionsOption
{
    /// <summary>The option itself, for a command's initializer (where it takes its place in the help).</summary>
    public Option<string[]> Option { get; } = new("--definitions")
    {
        Description = "C# files of [HyperOptimize] optimizers to compile and make available to the tower.",
        HelpName = "FILE.cs",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The files given; empty when the option is absent.</summary>
    public IReadOnlyList<string> Read(ParseResult result) => result.GetValue(Option) ?? [];

    /// <summary>
    /// Compiles <paramref name="paths"/>; warnings go to <paramref name="stderr"/>, errors end the command with exit
    /// code 2 after the compiler's diagnostics. Null when there are no files. Keep the result until the run is over:
    /// disposing it unloads the optimizers.
    /// </summary>
    /// <exception cref="CliInputException">A file cannot be read or the definitions do not compile.</exception>
    public static DefinitionCompilation? CompileOrThrow(IReadOnlyList<string> paths, TextWriter stderr)
    {
        if (paths.Count == 0)
        {
            return null;
        }

        DefinitionCompilation compiled = DefinitionCompiler.Compile(InputFiles.ReadDefinitions(paths));
        if (!compiled.HasErrors)
        {
            foreach (string line in compiled.FormatDiagnostics())
            {
                stderr.WriteLine(line);
            }

            // Files that compile apart may each hold an optimizer of one name; --tower could name only one of them.
            if (compiled.FindClashingNames() is string clash)
            {
                compiled.Dispose();
                throw new CliInputException($"--definitions: two optimizers have one name, {clash}; rename one");
            }

            return compiled;
        }

        string[] lines = [.. compiled.FormatDiagnostics()];
        compiled.Dispose();
        throw new CliInputException("--definitions: the definitions do not compile (errors above)") { DetailLines = lines };
    }
}
