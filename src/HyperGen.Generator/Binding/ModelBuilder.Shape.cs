using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Generator.Binding;

/// <summary>The shape of the optimizer class and its step, and the names the generated code reserves.</summary>
internal static partial class ModelBuilder
{
    /// <summary>The members the generator adds to the optimizer class; the class may not declare or be named any of them.</summary>
    internal static readonly string[] GeneratedMemberNames = ["Definition", "CreateTower", "HyperGenDefinition", "SingleStep", "DoubleStep"];

    /// <summary>
    /// Reports names the generated code cannot use (HG0018): a class or member named like a member the generator adds,
    /// and a class, step or namespace named with a C# keyword (<c>@float</c>), which generated code would write bare.
    /// </summary>
    private static void ReportReservedNames(INamedTypeSymbol type, IMethodSymbol method, List<DiagnosticInfo> diagnostics)
    {
        void Report(ISymbol symbol, string what, string reason) => diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.ReservedName, LocationInfo.From(symbol.Locations.FirstOrDefault()), symbol.Name, what, reason));

        const string Generated = "the generated code adds a member of that name to the class";
        if (Array.IndexOf(GeneratedMemberNames, type.Name) >= 0)
        {
            Report(type, "the optimizer class", Generated);
        }

        foreach (ISymbol member in type.GetMembers())
        {
            if (!member.IsImplicitlyDeclared && Array.IndexOf(GeneratedMemberNames, member.Name) >= 0)
            {
                Report(member, $"a member of '{type.Name}'", Generated);
            }
        }

        if (IsKeyword(type.Name))
        {
            Report(type, "the optimizer class", KeywordReason(type.Name));
        }

        if (IsKeyword(method.Name))
        {
            Report(method, "the step method", KeywordReason(method.Name));
        }

        for (INamespaceSymbol? space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
        {
            if (IsKeyword(space.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ReservedName, LocationInfo.From(type.Locations.FirstOrDefault()), space.Name, $"a namespace of '{type.Name}'", KeywordReason(space.Name)));
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is a reserved C# keyword, usable as a name only as <c>@name</c>.</summary>
    internal static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;

    internal static string KeywordReason(string name) =>
        $"it is the C# keyword '{name}' (written @{name}), and generated code uses names as they are; choose another name";

    private static bool IsTopLevelStaticPartial(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Class
        && type.IsStatic
        && type.ContainingType is null
        && !type.IsGenericType
        && type.DeclaringSyntaxReferences.All(r =>
            r.GetSyntax() is ClassDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    internal static bool IsSecondStepOfType(INamedTypeSymbol type, IMethodSymbol method)
    {
        IMethodSymbol? first = type.GetMembers()
            .OfType<IMethodSymbol>()
            .Where(HasHyperOptimize)
            .OrderBy(m => m.Locations.FirstOrDefault()?.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(m => m.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0)
            .FirstOrDefault();
        return first is not null && !SymbolEqualityComparer.Default.Equals(first, method);
    }
}
