using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Diagnostics;
using HyperGen.Generator.Helpers;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Generator.Binding;

/// <summary>
/// Decides whether a step with errors gets stand-in members (<see cref="StandInModel"/>): only where a generated
/// <c>partial class</c> joins the user's class without an error of its own, since a stand-in that does not compile
/// would add exactly the follow-on errors it exists to prevent.
/// </summary>
internal static class StandInBuilder
{
    public static StandInModel? For(IMethodSymbol method, IEnumerable<DiagnosticInfo> diagnostics)
    {
        INamedTypeSymbol type = method.ContainingType;
        if (!CanTakeGeneratedMembers(type) || ModelBuilder.IsSecondStepOfType(type, method))
        {
            // A second step's class already gets its members from the first step.
            return null;
        }

        string[] errors = diagnostics
            .Select(d => d.Id)
            .Where(id => DiagnosticDescriptors.ById(id).DefaultSeverity == DiagnosticSeverity.Error)
            .Distinct()
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToArray();
        return new StandInModel(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            type.Name,
            method.Name,
            errors.ToEquatableArray());
    }

    /// <summary>
    /// Whether another part <c>partial class Name</c> in the class's namespace compiles: a top-level, non-generic,
    /// non-file-local class whose every declaration is partial, with no name of its own, of its members or of its
    /// namespaces that the generated members would clash with or write wrongly (HG0018). A class that is partial
    /// but not static (HG0001) can take them: the stand-ins are static members.
    /// </summary>
    private static bool CanTakeGeneratedMembers(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class
            || type.ContainingType is not null
            || type.IsGenericType
            || type.IsFileLocal
            || type.DeclaringSyntaxReferences.Length == 0
            || !type.DeclaringSyntaxReferences.All(r =>
                r.GetSyntax() is ClassDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            return false;
        }

        if (ModelBuilder.IsKeyword(type.Name)
            || Array.IndexOf(ModelBuilder.GeneratedMemberNames, type.Name) >= 0
            || type.GetMembers().Any(m => !m.IsImplicitlyDeclared && Array.IndexOf(ModelBuilder.GeneratedMemberNames, m.Name) >= 0))
        {
            return false;
        }

        for (INamespaceSymbol? space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
        {
            if (ModelBuilder.IsKeyword(space.Name))
            {
                return false;
            }
        }

        return true;
    }
}
