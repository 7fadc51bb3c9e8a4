using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace HyperGen.CodeFixes;

/// <summary>Finds the declaration a diagnostic is about from its span, which HyperGen puts on the declaration's name.</summary>
internal static class SyntaxAt
{
    /// <summary>The innermost <typeparamref name="T"/> around the start of <paramref name="span"/>, or null.</summary>
    public static T? Find<T>(SyntaxNode root, TextSpan span)
        where T : SyntaxNode =>
        root.FindToken(span.Start).Parent?.AncestorsAndSelf().OfType<T>().FirstOrDefault();
}
