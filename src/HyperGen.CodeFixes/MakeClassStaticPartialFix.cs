using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using HyperGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace HyperGen.CodeFixes;

/// <summary>
/// HG0001: makes the optimizer class <c>static partial</c>. Offered only for a top-level, non-generic class, where
/// modifiers are all that is wrong; a nested or generic class has to be moved or changed by hand.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeClassStaticPartialFix))]
[Shared]
public sealed class MakeClassStaticPartialFix : SyntaxFixProvider<ClassDeclarationSyntax>
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.ContainingTypeId];

    /// <inheritdoc/>
    protected override CodeAction? Offer(Document document, ClassDeclarationSyntax declaration, Diagnostic diagnostic) =>
        declaration.Identifier.Span != diagnostic.Location.SourceSpan
        || declaration.Parent is not (BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
        || declaration.TypeParameterList is not null
            ? null
            : CodeAction.Create(
                $"Make '{declaration.Identifier.ValueText}' a static partial class",
                cancellation => MakeStaticPartialAsync(document, declaration, cancellation),
                equivalenceKey: nameof(MakeClassStaticPartialFix));

    private static async Task<Document> MakeStaticPartialAsync(Document document, ClassDeclarationSyntax declaration, CancellationToken cancellation)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellation).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;

        // A static class can be neither abstract nor sealed (CS0418); the generator writes the modifiers in their usual
        // order, 'partial' last, and keeps the accessibility as it was.
        DeclarationModifiers modifiers = generator.GetModifiers(declaration)
            .WithIsAbstract(false)
            .WithIsSealed(false)
            .WithIsStatic(true)
            .WithPartial(true);
        editor.ReplaceNode(declaration, generator.WithModifiers(declaration, modifiers));
        return editor.GetChangedDocument();
    }
}
