extern alias generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using generator::HyperGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace HyperGen.Cli;

/// <summary>
/// Compiles C# files of <c>[HyperOptimize]</c> definitions in memory, runs the HyperGen generator over them and loads
/// the result, so that a tool can use optimizers that were never built into it.
/// </summary>
public static class DefinitionCompiler
{
    /// <summary>Name of the in-memory assembly; one per load context, so it never clashes.</summary>
    private const string AssemblyName = "HyperGen.Definitions";

    /// <summary>
    /// Diagnostics the driver reports when a generator throws. Roslyn makes them warnings, but then nothing was
    /// generated and every definition is silently missing, so here they count as errors.
    /// </summary>
    private static readonly string[] GeneratorFailureIds = ["CS8784", "CS8785"];

    /// <summary>Compiles <paramref name="sources"/> with the HyperGen generator and, when there is no error, loads them.</summary>
    /// <param name="sources">The files, in the order diagnostics should follow.</param>
    /// <returns>The diagnostics and, without errors, the loaded definitions; dispose it to unload them.</returns>
    public static DefinitionCompilation Compile(IReadOnlyList<DefinitionSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree[] trees = sources
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path, Encoding.UTF8))
            .ToArray();

        var options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true)
            .WithSpecificDiagnosticOptions(GeneratorFailureIds.Select(id => KeyValuePair.Create(id, ReportDiagnostic.Error)));

        CSharpCompilation compilation = CSharpCompilation.Create(AssemblyName, trees, References(), options);

        // The driver must parse generated files with the options of the user's files, or a generated file written
        // for the latest language version would not compile.
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new HyperOptimizeGenerator().AsSourceGenerator()], parseOptions: parseOptions);
        driver.RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);

        var diagnostics = new List<Diagnostic>(generatorDiagnostics);
        diagnostics.AddRange(output.GetDiagnostics());
        if (!diagnostics.Any(IsError))
        {
            using var image = new MemoryStream();
            EmitResult emitted = output.Emit(image);
            diagnostics.AddRange(emitted.Diagnostics.Where(d => !diagnostics.Contains(d)));
            if (emitted.Success)
            {
                image.Position = 0;
                var context = new DefinitionLoadContext();
                Assembly assembly = context.LoadFromStream(image);
                return new DefinitionCompilation(Order(diagnostics, sources), context, assembly);
            }
        }

        return new DefinitionCompilation(Order(diagnostics, sources), null, null);
    }

    /// <summary>Whether <paramref name="diagnostic"/> stops the definitions from being used.</summary>
    public static bool IsError(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        return diagnostic.Severity == DiagnosticSeverity.Error || GeneratorFailureIds.Contains(diagnostic.Id);
    }

    private static IEnumerable<MetadataReference> References()
    {
        string runtime = typeof(Tower<>).Assembly.Location;
        if (string.IsNullOrEmpty(runtime))
        {
            // A single-file or trimmed build has no file to reference; say so rather than fail to bind HyperGen.
            throw new InvalidOperationException(
                "The HyperGen runtime assembly has no file location, so definitions cannot be compiled against it.");
        }

        return [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(runtime)];
    }

    /// <summary>
    /// Errors and warnings only, in the order of the files as given, then by position; diagnostics without a
    /// location first and those in generated files last. Files are matched by path, not by syntax tree, because
    /// generator diagnostics carry a path and a span but no tree.
    /// </summary>
    private static Diagnostic[] Order(List<Diagnostic> diagnostics, IReadOnlyList<DefinitionSource> sources)
    {
        int FileRank(Diagnostic diagnostic)
        {
            FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
            if (!span.IsValid)
            {
                return -1;
            }

            for (int i = 0; i < sources.Count; i++)
            {
                if (string.Equals(sources[i].Path, span.Path, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return sources.Count;
        }

        return diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || IsError(d))
            .Distinct()
            .OrderBy(FileRank)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();
    }
}
