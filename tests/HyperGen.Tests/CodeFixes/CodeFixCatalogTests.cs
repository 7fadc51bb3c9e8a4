using System;
using System.Composition;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using HyperGen.CodeFixes;
using HyperGen.Tests.Packaging;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace HyperGen.Tests.CodeFixes;

/// <summary>The IDE can find every code fix, and docs/diagnostics.md lists exactly the diagnostics they fix.</summary>
public sealed class CodeFixCatalogTests
{
    private static readonly Type[] Providers = typeof(MakeClassStaticPartialFix).Assembly.GetTypes()
        .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
        .ToArray();

    [Fact]
    public void Every_code_fix_is_exported_for_CSharp_as_a_shared_part()
    {
        // The IDE finds code fixes through MEF: without the export (or with another language) a fix is never offered.
        Assert.Equal(3, Providers.Length);
        Assert.All(Providers, provider =>
        {
            ExportCodeFixProviderAttribute export = Assert.Single(provider.GetCustomAttributes<ExportCodeFixProviderAttribute>());
            Assert.Equal([LanguageNames.CSharp], export.Languages);
            Assert.Equal(provider.Name, export.Name);
            Assert.NotNull(provider.GetCustomAttribute<SharedAttribute>());
            Assert.True(provider.IsPublic && provider.GetConstructor(Type.EmptyTypes) is not null, $"{provider.Name} needs a public parameterless constructor");
        });
    }

    [Fact]
    public void The_diagnostics_page_lists_the_diagnostics_that_have_a_code_fix()
    {
        string[] fixable = Providers
            .SelectMany(p => ((CodeFixProvider)Activator.CreateInstance(p)!).FixableDiagnosticIds)
            .Order(StringComparer.Ordinal)
            .ToArray();

        string page = File.ReadAllText(RepositoryFiles.PathOf("docs/diagnostics.md"));
        int start = page.IndexOf("| id | code fix |", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/diagnostics.md has no '| id | code fix |' table");
        string table = page[start..page.IndexOf("\n\n", start, StringComparison.Ordinal)];
        string[] listed = Regex.Matches(table, @"^\| \[(HG\d{4})\]", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(["HG0001", "HG0002", "HG0011"], fixable);
        Assert.Equal(fixable, listed);
    }
}
