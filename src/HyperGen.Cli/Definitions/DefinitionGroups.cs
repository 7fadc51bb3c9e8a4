using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HyperGen.Cli.Definitions;

/// <summary>
/// Splits definition files into the groups that must compile together: each file on its own, unless one uses a
/// type or member that only another declares (then both, and whatever those use, form one group). Two unrelated
/// optimizers in files given together then never meet: a class name or a helper type that both happen to declare is
/// no conflict, as it is none when each file lives in a project of its own.
/// </summary>
internal static class DefinitionGroups
{
    /// <summary>The groups, as indexes into <paramref name="trees"/>, in the order of their first file.</summary>
    /// <param name="trees">The user's files.</param>
    /// <param name="shared">Trees every file sees (the implicit usings), not grouped themselves.</param>
    /// <param name="references">What the files compile against.</param>
    /// <param name="options">The options they compile with.</param>
    public static IReadOnlyList<int[]> Find(
        IReadOnlyList<SyntaxTree> trees, IReadOnlyList<SyntaxTree> shared, IEnumerable<MetadataReference> references, CSharpCompilationOptions options)
    {
        if (trees.Count <= 1)
        {
            return trees.Count == 0 ? [] : [[0]];
        }

        // A global using or an assembly attribute applies to every file of a compilation; with such a file the
        // files are one compilation, as they are in one project.
        if (trees.Any(AppliesToEveryFile))
        {
            return [Enumerable.Range(0, trees.Count).ToArray()];
        }

        // One compilation of all files to bind names in. Where two files declare the same thing it reports a
        // conflict and binds to one of them; names are therefore matched by their full name, not by the symbol the
        // binder chose: a file that declares what it uses needs no other.
        CSharpCompilation together = CSharpCompilation.Create("HyperGen.Definitions.Groups", [.. shared, .. trees], references, options);
        var declared = new HashSet<string>[trees.Count];
        var declaredNamespaces = new HashSet<string>[trees.Count];
        var used = new HashSet<string>[trees.Count];
        var usedNamespaces = new HashSet<string>[trees.Count];
        for (int i = 0; i < trees.Count; i++)
        {
            SemanticModel model = together.GetSemanticModel(trees[i]);
            SyntaxNode root = trees[i].GetRoot();
            ISymbol?[] declarations = [.. root.DescendantNodes().Select(node => DeclaredSymbol(model, node))];
            declared[i] = [.. declarations.Select(Key).OfType<string>()];
            declaredNamespaces[i] = [.. declarations.OfType<INamespaceSymbol>().SelectMany(WithContainingNamespaces)];
            ISymbol[] referenced = [.. root.DescendantNodes().OfType<SimpleNameSyntax>().SelectMany(name => Referenced(model, name))];
            used[i] = [.. referenced.Select(Key).OfType<string>().Where(key => !declared[i].Contains(key))];
            usedNamespaces[i] = [.. referenced.OfType<INamespaceSymbol>().Select(Name).Where(ns => !declaredNamespaces[i].Contains(ns))];
        }

        var parent = Enumerable.Range(0, trees.Count).ToArray();
        for (int i = 0; i < trees.Count; i++)
        {
            for (int j = 0; j < trees.Count; j++)
            {
                if (j != i && used[i].Overlaps(declared[j]))
                {
                    Union(parent, i, j);
                }
            }
        }

        // A namespace that only source files declare (a using of it, or a name qualified with it) needs one of
        // them, not all: every file of a common namespace would join, unrelated or not. The group may hold one.
        for (int i = 0; i < trees.Count; i++)
        {
            foreach (string ns in usedNamespaces[i])
            {
                bool inGroup = Enumerable.Range(0, trees.Count).Any(j => Root(parent, j) == Root(parent, i) && declaredNamespaces[j].Contains(ns));
                int first = Array.FindIndex(declaredNamespaces, d => d.Contains(ns));
                if (!inGroup && first >= 0)
                {
                    Union(parent, i, first);
                }
            }
        }

        return Enumerable.Range(0, trees.Count)
            .GroupBy(i => Root(parent, i))
            .Select(group => group.ToArray())
            .OrderBy(group => group[0])
            .ToArray();
    }

    private static bool AppliesToEveryFile(SyntaxTree tree) =>
        tree.GetRoot() is CompilationUnitSyntax unit
        && (unit.Usings.Any(u => !u.GlobalKeyword.IsKind(SyntaxKind.None)) || unit.AttributeLists.Count > 0);

    /// <summary>What <paramref name="name"/> binds to, or the candidates where it does not bind to one symbol.</summary>
    private static IEnumerable<ISymbol> Referenced(SemanticModel model, SimpleNameSyntax name)
    {
        SymbolInfo info = model.GetSymbolInfo(name);
        return info.Symbol is { } symbol ? [symbol] : info.CandidateSymbols;
    }

    /// <summary><c>A.B.C</c>, <c>A.B</c> and <c>A</c> for a declaration of namespace <c>A.B.C</c>.</summary>
    private static IEnumerable<string> WithContainingNamespaces(INamespaceSymbol ns)
    {
        for (INamespaceSymbol? n = ns; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace)
        {
            yield return Name(n);
        }
    }

    private static string Name(INamespaceSymbol ns) => ns.ToDisplayString();

    /// <summary>What <paramref name="node"/> declares: a namespace, a type or a member.</summary>
    private static ISymbol? DeclaredSymbol(SemanticModel model, SyntaxNode node) =>
        node is MemberDeclarationSyntax or VariableDeclaratorSyntax ? model.GetDeclaredSymbol(node) : null;

    /// <summary>
    /// A name for a type (<c>global::Ns.Outer.Inner&lt;T&gt;</c>) or a member (its type's name and its own), the
    /// same in every file that declares it; null for what no file declares by name (locals, parameters,
    /// namespaces). Overloads share a key: a file that declares one is not told apart from one that declares another.
    /// </summary>
    private static string? Key(ISymbol? symbol)
    {
        if (symbol is IMethodSymbol method)
        {
            symbol = method.ReducedFrom ?? method;
            if (method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor)
            {
                symbol = method.ContainingType;
            }
            else if (method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction)
            {
                return null;
            }
        }

        symbol = symbol?.OriginalDefinition;
        return symbol switch
        {
            INamedTypeSymbol type => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            IMethodSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol when symbol.ContainingType is { } type =>
                $"{type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}.{symbol.Name}",
            _ => null,
        };
    }

    private static int Root(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(int[] parent, int a, int b) => parent[Root(parent, a)] = Root(parent, b);
}
