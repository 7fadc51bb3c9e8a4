using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using HyperGen.Generator;
using HyperGen.Tests.Packaging;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Tests.Docs;

/// <summary>The generator's diagnostics and the compiler's for one compiled set of snippets.</summary>
/// <param name="GeneratorDiagnostics">What the HyperGen generator reported.</param>
/// <param name="CompilerDiagnostics">The compiler's errors and warnings for the sources plus the generated code.</param>
/// <param name="GeneratedSources">The generated files' text.</param>
internal sealed record SnippetCompilation(
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilerDiagnostics,
    IReadOnlyList<string> GeneratedSources)
{
    /// <summary>Every error and warning, generator's first, one per line, for assertion messages.</summary>
    public IEnumerable<Diagnostic> Problems =>
        GeneratorDiagnostics.Concat(CompilerDiagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning);
}

/// <summary>
/// Compiles documentation snippets the way a user's <c>dotnet new console</c> project compiles them: .NET 10, the
/// console template's implicit usings, nullable enabled, the HyperGen runtime and the generator.
/// </summary>
internal static class SnippetCompiler
{
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    /// <summary>Whether the code has top-level statements (then it is a program's entry file).</summary>
    public static bool HasTopLevelStatements(string code) =>
        CSharpSyntaxTree.ParseText(code, ParseOptions).GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();

    /// <summary>A file of the page: parsed with #line mapping so diagnostics name the page and its line.</summary>
    public static SyntaxTree File(MarkdownSnippet snippet) =>
        CSharpSyntaxTree.ParseText(MapLines(snippet, snippet.Code), ParseOptions, path: snippet.Location);

    /// <summary>A fragment, wrapped in a method whose parameters are the marker's argument, in a file that uses HyperGen.</summary>
    public static SyntaxTree Fragment(MarkdownSnippet snippet)
    {
        string wrapped = $$"""
            using HyperGen;

            internal static class Snippet_Line{{snippet.Line}}
            {
                internal static void Run({{snippet.Argument}})
                {
            {{MapLines(snippet, snippet.Code)}}
            #line default
                }
            }
            """;
        return CSharpSyntaxTree.ParseText(wrapped, ParseOptions, path: snippet.Location);
    }

    /// <summary>Source text of a repository file, as a tree.</summary>
    public static SyntaxTree RepositoryFile(string relativePath) =>
        CSharpSyntaxTree.ParseText(System.IO.File.ReadAllText(RepositoryFiles.PathOf(relativePath)), ParseOptions, path: relativePath);

    /// <summary>Runs the generator over <paramref name="trees"/> and compiles the result.</summary>
    public static SnippetCompilation Compile(string assemblyName, IEnumerable<SyntaxTree> trees)
    {
        SyntaxTree[] sources = [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "ImplicitUsings.g.cs")];
        bool program = sources.Any(t => t.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any());
        var options = new CSharpCompilationOptions(
            program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            allowUnsafe: true)
            // The SDK silences these two for every project (NoWarn 1701;1702): ILGPU is built against an older
            // System.Runtime, which a real console project unifies without a word.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });
        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, sources, References, options);

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new HyperOptimizeGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        foreach (GeneratorRunResult run in result.Results)
        {
            if (run.Exception is not null)
            {
                throw new InvalidOperationException($"The generator threw on {assemblyName}.", run.Exception);
            }
        }

        ImmutableArray<Diagnostic> compilerDiagnostics = output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToImmutableArray();
        return new SnippetCompilation(
            generatorDiagnostics, compilerDiagnostics, result.GeneratedTrees.Select(t => t.GetText().ToString()).ToArray());
    }

    /// <summary>Prefixes the code with a #line directive, so the compiler reports page lines.</summary>
    private static string MapLines(MarkdownSnippet snippet, string code) =>
        $"#line {snippet.Line} \"{snippet.Document}\"\n{code}";

    /// <summary>
    /// .NET 10's reference assemblies, the HyperGen runtime, and whatever other HyperGen, ILGPU or TorchSharp assemblies
    /// the tests carry (the GPU page's snippets need HyperGen.Kernels and ILGPU, the TorchSharp page's HyperGen.TorchSharp
    /// and TorchSharp's managed bindings; compiling them loads no native library).
    /// </summary>
    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All)
        {
            MetadataReference.CreateFromFile(typeof(Tower<>).Assembly.Location),
        };
        foreach (string name in new[] { "HyperGen.Kernels.dll", "ILGPU.dll", "ILGPU.Algorithms.dll", "HyperGen.TorchSharp.dll", "TorchSharp.dll" })
        {
            string path = Path.Combine(AppContext.BaseDirectory, name);
            if (System.IO.File.Exists(path))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        return [.. references];
    }
}
