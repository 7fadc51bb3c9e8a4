using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using HyperGen.Generator;
using HyperGen.Tests.Packaging;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HyperGen.Tests.Docs;

/// <summary>
/// Every C# block in README.md and docs/*.md compiles, with the generator, as a user's console project would compile
/// it; diagnostics examples report their diagnostic; excerpts of generated code match what the generator writes.
/// The conventions are in docs/README.md.
/// </summary>
public sealed class DocumentationSnippetTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md" };
        foreach (string path in Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add("docs/" + Path.GetFileName(path));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_csharp_block_of_the_page_compiles(string page)
    {
        IReadOnlyList<MarkdownSnippet> snippets = MarkdownSnippets.Read(RepositoryFiles.PathOf(page), page);
        MarkdownSnippet[] files = snippets.Where(s => s.Kind == SnippetKind.File).ToArray();
        MarkdownSnippet[] programs = files.Where(s => SnippetCompiler.HasTopLevelStatements(s.Code)).ToArray();

        // Type declarations and fragments are shared by the page; each block with top-level statements is a program
        // of its own, compiled together with them.
        SyntaxTree[] shared =
        [
            .. files.Except(programs).Select(SnippetCompiler.File),
            .. snippets.Where(s => s.Kind == SnippetKind.Fragment).Select(SnippetCompiler.Fragment),
        ];
        if (programs.Length == 0 && shared.Length > 0)
        {
            AssertClean(page, SnippetCompiler.Compile(AssemblyName(page, 0), shared));
        }

        foreach (MarkdownSnippet program in programs)
        {
            AssertClean(program.Location, SnippetCompiler.Compile(AssemblyName(page, program.Line), [.. shared, SnippetCompiler.File(program)]));
        }

        foreach (MarkdownSnippet example in snippets.Where(s => s.Kind == SnippetKind.Error))
        {
            AssertReports(example);
        }

        foreach (MarkdownSnippet excerpt in snippets.Where(s => s.Kind == SnippetKind.Generated))
        {
            AssertGeneratedExcerpt(excerpt);
        }
    }

    [Fact]
    public void Every_diagnostic_has_an_example_in_the_diagnostics_page_that_reports_it()
    {
        const string page = "docs/diagnostics.md";
        string text = File.ReadAllText(RepositoryFiles.PathOf(page));
        HashSet<string> examples = MarkdownSnippets.Read(RepositoryFiles.PathOf(page), page)
            .Where(s => s.Kind == SnippetKind.Error)
            .Select(s => s.Argument)
            .ToHashSet(StringComparer.Ordinal);

        foreach (string id in DiagnosticIds())
        {
            Assert.Contains($"## {id}", text, StringComparison.Ordinal);

            // HG9999 is the generator's own failure: there is no definition that should cause it.
            if (id != "HG9999")
            {
                Assert.True(examples.Contains(id), $"{page} has no '<!-- snippet: error {id} -->' example.");
            }
        }
    }

    [Fact]
    public void The_getting_started_page_has_a_program_and_an_optimizer_to_compile()
    {
        const string page = "docs/getting-started.md";
        IReadOnlyList<MarkdownSnippet> snippets = MarkdownSnippets.Read(RepositoryFiles.PathOf(page), page);

        Assert.Contains(snippets, s => s.Kind == SnippetKind.File && SnippetCompiler.HasTopLevelStatements(s.Code));
        Assert.Contains(snippets, s => s.Code.Contains("[HyperOptimize", StringComparison.Ordinal));
    }

    private static void AssertClean(string where, SnippetCompilation compilation)
    {
        string[] problems = compilation.Problems.Select(d => d.ToString()).ToArray();
        Assert.True(problems.Length == 0, $"{where} does not compile cleanly:\n{string.Join("\n", problems)}");
    }

    /// <summary>An error example is compiled alone; the generator reports its id, and nothing else fails.</summary>
    private static void AssertReports(MarkdownSnippet example)
    {
        SnippetCompilation compilation = SnippetCompiler.Compile(AssemblyName(example.Document, example.Line), [SnippetCompiler.File(example)]);
        string all = string.Join("\n", compilation.Problems.Select(d => d.ToString()));
        Assert.True(
            compilation.GeneratorDiagnostics.Any(d => d.Id == example.Argument),
            $"{example.Location} should report {example.Argument}; it reports:\n{all}");
        Assert.True(
            compilation.Problems.All(d => d.Id == example.Argument),
            $"{example.Location} should report {example.Argument} and nothing else; it reports:\n{all}");
    }

    /// <summary>Every line of the excerpt (but '// ...' elisions) appears, in order, in the generated file.</summary>
    private static void AssertGeneratedExcerpt(MarkdownSnippet excerpt)
    {
        string source = $"src/HyperGen.Runtime/Optimizers/{excerpt.Argument}.cs";
        SnippetCompilation compilation = SnippetCompiler.Compile(
            AssemblyName(excerpt.Document, excerpt.Line), [SnippetCompiler.RepositoryFile(source)]);
        // The CPU file: where ILGPU is referenced, the generator also writes a GPU file for the same class.
        string generated = Assert.Single(
            compilation.GeneratedSources,
            s => s.Contains($"partial class {excerpt.Argument}", StringComparison.Ordinal)
                && s.Contains("global::HyperGen.IStepKernel<", StringComparison.Ordinal));
        string[] generatedLines = generated.Split('\n').Select(l => l.Trim()).ToArray();

        int at = 0;
        foreach (string line in excerpt.Code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l != "// ..."))
        {
            int found = Array.IndexOf(generatedLines, line, at);
            Assert.True(
                found >= 0,
                $"{excerpt.Location}: the line\n    {line}\nis not (or not in this order) in the code generated for {excerpt.Argument}, which is now:\n{generated}");
            at = found + 1;
        }
    }

    private static IEnumerable<string> DiagnosticIds()
    {
        Type descriptors = typeof(HyperOptimizeGenerator).Assembly.GetType("HyperGen.Generator.Diagnostics.DiagnosticDescriptors", throwOnError: true)!;
        return descriptors.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
    }

    private static string AssemblyName(string page, int line) =>
        "DocSnippets_" + Path.GetFileNameWithoutExtension(page).Replace('-', '_') + "_" + line;
}
