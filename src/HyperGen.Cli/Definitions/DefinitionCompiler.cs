extern alias generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using generator::HyperGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace HyperGen.Cli.Definitions;

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

    /// <summary>
    /// Compiles <paramref name="sources"/> with the HyperGen generator, as a project would (with the SDK's implicit
    /// usings), and, when there is no error, loads them. Each file compiles on its own unless it uses what another
    /// declares (<see cref="DefinitionGroups"/>), so unrelated files cannot conflict.
    /// </summary>
    /// <param name="sources">The files, in the order diagnostics should follow.</param>
    /// <returns>The diagnostics and, without errors, the loaded definitions; dispose it to unload them.</returns>
    public static DefinitionCompilation Compile(IReadOnlyList<DefinitionSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree[] trees = sources
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path, Encoding.UTF8))
            .ToArray();
        SyntaxTree usings = ImplicitUsings.Create(parseOptions);

        var options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true)
            .WithSpecificDiagnosticOptions(GeneratorFailureIds.Select(id => KeyValuePair.Create(id, ReportDiagnostic.Error)));
        MetadataReference[] references = [.. References()];

        IReadOnlyList<int[]> groups = DefinitionGroups.Find(trees, [usings], references, options);
        var diagnostics = new List<Diagnostic>();
        var images = new List<(MemoryStream Image, string[] Paths)>();
        for (int k = 0; k < groups.Count; k++)
        {
            // One assembly per group, each with a name of its own: one load context cannot hold two of one name.
            string name = k == 0 ? AssemblyName : $"{AssemblyName}.{k + 1}";
            SyntaxTree[] group = [.. groups[k].Select(i => trees[i]), usings];
            MemoryStream? image = CompileGroup(name, group, references, options, parseOptions, diagnostics);
            if (image is not null)
            {
                images.Add((image, [.. groups[k].Select(i => sources[i].Path)]));
            }
        }

        Diagnostic[] ordered = Order(diagnostics, sources);
        if (ordered.Any(IsError) || images.Count < groups.Count)
        {
            images.ForEach(i => i.Image.Dispose());
            return new DefinitionCompilation(ordered, null, []);
        }

        var context = new DefinitionLoadContext();
        var loaded = new List<DefinitionAssembly>();
        foreach (var (image, paths) in images)
        {
            using (image)
            {
                image.Position = 0;
                loaded.Add(new DefinitionAssembly(context.LoadFromStream(image), paths));
            }
        }

        return new DefinitionCompilation(ordered, context, loaded);
    }

    /// <summary>
    /// Compiles one group and adds its diagnostics to <paramref name="diagnostics"/>; returns its image when it has
    /// no error, else null.
    /// </summary>
    private static MemoryStream? CompileGroup(
        string name,
        SyntaxTree[] trees,
        MetadataReference[] references,
        CSharpCompilationOptions options,
        CSharpParseOptions parseOptions,
        List<Diagnostic> diagnostics)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(name, trees, references, options);

        // The driver must parse generated files with the options of the user's files, or a generated file written
        // for the latest language version would not compile.
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new HyperOptimizeGenerator().AsSourceGenerator()], parseOptions: parseOptions);
        driver.RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);

        var found = new List<Diagnostic>(generatorDiagnostics);
        found.AddRange(output.GetDiagnostics());
        MemoryStream? image = null;
        if (!found.Any(IsError))
        {
            image = new MemoryStream();
            EmitResult emitted = output.Emit(image);
            found.AddRange(emitted.Diagnostics.Where(d => !found.Contains(d)));
            if (!emitted.Success)
            {
                image.Dispose();
                image = null;
            }
        }

        diagnostics.AddRange(WithoutFollowOns(found, trees));
        return image;
    }

    /// <summary>
    /// Drops the generator's diagnostics at expressions the compiler already rejected. An expression that does not
    /// bind (<c>MathF</c> without <c>using System;</c>: CS0103) is "invalid" to the generator, which must refuse the
    /// step and says HG0006, an unsupported expression; beside the compiler's error that only misleads (MathF is
    /// supported). Diagnostics at statements or declarations (a loop, a method's shape) say something of their own
    /// and stay, even around a compiler error.
    /// </summary>
    private static IEnumerable<Diagnostic> WithoutFollowOns(List<Diagnostic> diagnostics, SyntaxTree[] trees)
    {
        var compilerErrors = diagnostics
            .Where(d => IsError(d) && !IsGenerators(d) && d.Location.GetLineSpan().IsValid)
            .Select(d => (d.Location.GetLineSpan().Path, d.Location.SourceSpan))
            .ToArray();

        bool IsFollowOn(Diagnostic diagnostic)
        {
            string path = diagnostic.Location.GetLineSpan().Path;
            TextSpan span = diagnostic.Location.SourceSpan;
            SyntaxTree? tree = trees.FirstOrDefault(t => string.Equals(t.FilePath, path, StringComparison.Ordinal));
            if (!IsGenerators(diagnostic) || tree is null || span.End > tree.Length)
            {
                return false;
            }

            // Generator diagnostics carry a path and a span but no tree (see Order): find their node in the file.
            return tree.GetRoot().FindNode(span, getInnermostNodeForTie: true) is ExpressionSyntax or ArgumentSyntax
                && compilerErrors.Any(e => string.Equals(e.Path, path, StringComparison.Ordinal) && span.Contains(e.SourceSpan));
        }

        return diagnostics.Where(d => !IsFollowOn(d));
    }

    /// <summary>Whether the HyperGen generator reported <paramref name="diagnostic"/> (HG ids), not the compiler.</summary>
    private static bool IsGenerators(Diagnostic diagnostic) => diagnostic.Id.StartsWith("HG", StringComparison.Ordinal);

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
