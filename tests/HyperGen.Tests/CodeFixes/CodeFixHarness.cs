using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HyperGen.Tests.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace HyperGen.Tests.CodeFixes;

/// <summary>
/// Applies HyperGen's code fixes as the IDE does: the source is a document of a project in an
/// <see cref="AdhocWorkspace"/>, the diagnostics are the generator's for that project's compilation, and a fix's
/// code action changes the solution. After a fix, <see cref="FixedAsync"/> runs the generator again on the result.
/// </summary>
internal static class CodeFixHarness
{
    /// <summary>The source as the one document of a project compiled like <see cref="GeneratorHarness"/> compiles.</summary>
    public static Document Open(string source)
    {
        var workspace = new AdhocWorkspace();
        ProjectInfo project = ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "CodeFixTests",
            "CodeFixTests",
            LanguageNames.CSharp,
            compilationOptions: GeneratorHarness.CompilationOptions,
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References);
        DocumentId document = DocumentId.CreateNewId(project.Id);
        Solution solution = workspace.CurrentSolution
            .AddProject(project)
            .AddDocument(document, "File0.cs", SourceText.From(source), filePath: "/src/File0.cs");
        return solution.GetDocument(document)!;
    }

    /// <summary>
    /// The generator's diagnostics for the document's project, located in the document's tree (the generator reports
    /// a path and a span; the IDE hands a fix the diagnostic in the open document).
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document)
    {
        var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync())!;
        GeneratorRun run = GeneratorHarness.Run(compilation);
        SyntaxTree tree = (await document.GetSyntaxTreeAsync())!;
        return run.GeneratorDiagnostics.Select(d => InTree(d, tree)).ToImmutableArray();
    }

    /// <summary>The code actions <paramref name="provider"/> offers for <paramref name="diagnostic"/>.</summary>
    public static async Task<IReadOnlyList<CodeAction>> ActionsAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic)
    {
        Assert.Contains(diagnostic.Id, provider.FixableDiagnosticIds);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>Applies the one fix <paramref name="provider"/> offers for the one diagnostic <paramref name="id"/>.</summary>
    public static async Task<Document> ApplyAsync(CodeFixProvider provider, Document document, string id)
    {
        Diagnostic diagnostic = Assert.Single(await DiagnosticsAsync(document), d => d.Id == id);
        CodeAction action = Assert.Single(await ActionsAsync(provider, document, diagnostic));
        return await ApplyAsync(action, document);
    }

    /// <summary>
    /// Fixes every diagnostic <paramref name="id"/> in the document whose fix has <paramref name="equivalenceKey"/>,
    /// through the provider's Fix All.
    /// </summary>
    public static async Task<Document> FixAllAsync(CodeFixProvider provider, Document document, string id, string equivalenceKey)
    {
        ImmutableArray<Diagnostic> diagnostics = [.. (await DiagnosticsAsync(document)).Where(d => d.Id == id)];
        var context = new FixAllContext(
            document, provider, FixAllScope.Document, equivalenceKey, [id], new KnownDiagnostics(diagnostics), CancellationToken.None);
        FixAllProvider fixAll = Assert.IsAssignableFrom<FixAllProvider>(provider.GetFixAllProvider());
        CodeAction? action = await fixAll.GetFixAsync(context);
        return await ApplyAsync(Assert.IsAssignableFrom<CodeAction>(action), document);
    }

    /// <summary>The fixed document's text, after asserting the generator accepts it and the result compiles.</summary>
    public static async Task<string> FixedAsync(Document document)
    {
        var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync())!;
        GeneratorRun run = GeneratorHarness.Run(compilation);
        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        Assert.Empty(run.OutputErrors);
        return (await document.GetTextAsync()).ToString();
    }

    private static async Task<Document> ApplyAsync(CodeAction action, Document document)
    {
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        return changed.GetDocument(document.Id)!;
    }

    private static Diagnostic InTree(Diagnostic diagnostic, SyntaxTree tree)
    {
        Assert.Equal(tree.FilePath, diagnostic.Location.GetLineSpan().Path);
        return Diagnostic.Create(
            diagnostic.Id,
            diagnostic.Descriptor.Category,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            diagnostic.Severity,
            diagnostic.DefaultSeverity,
            diagnostic.Descriptor.IsEnabledByDefault,
            diagnostic.WarningLevel,
            location: Location.Create(tree, diagnostic.Location.SourceSpan),
            properties: diagnostic.Properties);
    }

    /// <summary>Hands Fix All the diagnostics already found, as the IDE hands it those it has.</summary>
    private sealed class KnownDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
