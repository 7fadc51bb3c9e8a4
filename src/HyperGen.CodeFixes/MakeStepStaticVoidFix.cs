using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HyperGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace HyperGen.CodeFixes;

/// <summary>
/// HG0002: makes the step a non-generic <c>static void</c> method. A returned value goes: a step returns its results
/// through its <c>ref</c> parameters, so <c>return w;</c> at the end of the body is dropped, and a returned assignment
/// (<c>return w -= d;</c>) is kept as a statement. Type parameters go only where nothing uses them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeStepStaticVoidFix))]
[Shared]
public sealed class MakeStepStaticVoidFix : SyntaxFixProvider<MethodDeclarationSyntax>
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.MethodShapeId];

    /// <inheritdoc/>
    protected override CodeAction? Offer(Document document, MethodDeclarationSyntax method, Diagnostic diagnostic)
    {
        if (method.Identifier.Span != diagnostic.Location.SourceSpan)
        {
            return null;
        }

        bool dropsTypeParameters = method.TypeParameterList is not null && !UsesTypeParameters(method);
        if (!dropsTypeParameters && method.Modifiers.Any(SyntaxKind.StaticKeyword) && IsVoid(method.ReturnType))
        {
            // Only type parameters that the method uses are wrong: that takes a person to fix.
            return null;
        }

        string name = method.Identifier.ValueText;
        return CodeAction.Create(
            dropsTypeParameters ? $"Make '{name}' a non-generic static void method" : $"Make '{name}' a static void method",
            cancellation => FixAsync(document, method, dropsTypeParameters, cancellation),
            equivalenceKey: nameof(MakeStepStaticVoidFix));
    }

    private static async Task<Document> FixAsync(
        Document document, MethodDeclarationSyntax method, bool dropTypeParameters, CancellationToken cancellation)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellation).ConfigureAwait(false);
        MethodDeclarationSyntax fixedMethod = method;
        if (!IsVoid(method.ReturnType))
        {
            fixedMethod = WithoutReturnedValues(fixedMethod)
                .WithReturnType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword)).WithTriviaFrom(method.ReturnType));
        }

        if (dropTypeParameters)
        {
            fixedMethod = fixedMethod
                .WithIdentifier(fixedMethod.Identifier.WithTrailingTrivia(fixedMethod.TypeParameterList!.GetTrailingTrivia()))
                .WithTypeParameterList(null)
                .WithConstraintClauses(default);
        }

        SyntaxGenerator generator = editor.Generator;
        fixedMethod = (MethodDeclarationSyntax)generator.WithModifiers(fixedMethod, generator.GetModifiers(fixedMethod).WithIsStatic(true));
        editor.ReplaceNode(method, fixedMethod);
        return editor.GetChangedDocument();
    }

    private static bool IsVoid(TypeSyntax type) => type is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword };

    private static bool UsesTypeParameters(MethodDeclarationSyntax method)
    {
        var names = new HashSet<string>(method.TypeParameterList!.Parameters.Select(p => p.Identifier.ValueText));
        return method.ParameterList.DescendantNodes()
            .Concat(method.ReturnType.DescendantNodesAndSelf())
            .Concat(method.Body?.DescendantNodes() ?? [])
            .Concat(method.ExpressionBody?.DescendantNodes() ?? [])
            .OfType<IdentifierNameSyntax>()
            .Any(identifier => names.Contains(identifier.Identifier.ValueText));
    }

    /// <summary>
    /// The method without the values its top-level <c>return</c> statements return: the last one becomes its
    /// expression as a statement where C# allows that (an assignment, a call) and goes otherwise; an earlier one
    /// becomes <c>return;</c> where its value has no effect to keep. Returns in nested blocks are left to the compiler.
    /// </summary>
    private static MethodDeclarationSyntax WithoutReturnedValues(MethodDeclarationSyntax method)
    {
        if (method.Body is not { } body)
        {
            return method;
        }

        var statements = new List<StatementSyntax>(body.Statements.Count);
        for (int i = 0; i < body.Statements.Count; i++)
        {
            StatementSyntax statement = body.Statements[i];
            if (statement is not ReturnStatementSyntax { Expression: { } value } returned)
            {
                statements.Add(statement);
                continue;
            }

            bool last = i == body.Statements.Count - 1;
            if (IsStatementExpression(value))
            {
                statements.Add(last
                    ? SyntaxFactory.ExpressionStatement(value.WithoutTrivia()).WithTriviaFrom(returned)
                    : returned);
            }
            else if (!last)
            {
                statements.Add(returned.WithExpression(null).WithReturnKeyword(returned.ReturnKeyword.WithoutTrivia().WithLeadingTrivia(returned.ReturnKeyword.LeadingTrivia)));
            }
        }

        return method.WithBody(body.WithStatements(SyntaxFactory.List(statements)));
    }

    /// <summary>Whether C# accepts <paramref name="expression"/> on its own as a statement (CS0201 otherwise).</summary>
    private static bool IsStatementExpression(ExpressionSyntax expression) => expression switch
    {
        AssignmentExpressionSyntax or InvocationExpressionSyntax or AwaitExpressionSyntax or BaseObjectCreationExpressionSyntax => true,
        PostfixUnaryExpressionSyntax postfix => postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression),
        PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
        _ => false,
    };
}
