using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using HyperGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.CodeFixes;

/// <summary>
/// HG0011: gives a parameter the step's precision. The precision comes with the diagnostic
/// (<see cref="DiagnosticProperties.StepPrecision"/>): it is the weight's type, which the generator already found.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChangeParameterPrecisionFix))]
[Shared]
public sealed class ChangeParameterPrecisionFix : SyntaxFixProvider<ParameterSyntax>
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.MixedPrecisionId];

    /// <inheritdoc/>
    protected override CodeAction? Offer(Document document, ParameterSyntax parameter, Diagnostic diagnostic)
    {
        if (parameter.Type is null || KeywordOf(diagnostic) is not { } keyword)
        {
            return null;
        }

        string precision = SyntaxFacts.GetText(keyword);
        return CodeAction.Create(
            $"Change '{parameter.Identifier.ValueText}' to {precision}",
            cancellation => ChangeTypeAsync(document, parameter, keyword, cancellation),
            // One key per precision: fixing all in a float step must not turn another step's parameters to float.
            equivalenceKey: $"{nameof(ChangeParameterPrecisionFix)}.{precision}");
    }

    /// <summary>The keyword of the step's precision, or null when the diagnostic does not say it.</summary>
    private static SyntaxKind? KeywordOf(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(DiagnosticProperties.StepPrecision, out string? precision)
            ? precision switch
            {
                "float" => SyntaxKind.FloatKeyword,
                "double" => SyntaxKind.DoubleKeyword,
                _ => null,
            }
            : null;

    private static async Task<Document> ChangeTypeAsync(Document document, ParameterSyntax parameter, SyntaxKind keyword, CancellationToken cancellation)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false))!;
        TypeSyntax type = parameter.Type!;
        TypeSyntax replacement = SyntaxFactory.PredefinedType(SyntaxFactory.Token(keyword)).WithTriviaFrom(type);
        return document.WithSyntaxRoot(root.ReplaceNode(type, replacement));
    }
}
