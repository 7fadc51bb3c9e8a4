using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace HyperGen.CodeFixes;

/// <summary>
/// A fix for an HG diagnostic reported on one kind of syntax node: finds the node at each diagnostic's span and
/// registers what <see cref="Offer"/> returns; Fix All applies the fixes in one batch.
/// </summary>
/// <typeparam name="TNode">The syntax the diagnostic is reported on.</typeparam>
public abstract class SyntaxFixProvider<TNode> : CodeFixProvider
    where TNode : SyntaxNode
{
    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (SyntaxAt.Find<TNode>(root, diagnostic.Location.SourceSpan) is { } node
                && Offer(context.Document, node, diagnostic) is { } action)
            {
                context.RegisterCodeFix(action, diagnostic);
            }
        }
    }

    /// <summary>The fix for <paramref name="node"/>, or null where this fix cannot repair it.</summary>
    protected abstract CodeAction? Offer(Document document, TNode node, Diagnostic diagnostic);
}
