using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace HyperGen.Generator.Binding;

/// <summary>
/// The short names the generated CPU file gives the types it uses on every line (<c>using Vector512 =
/// global::System.Runtime.Intrinsics.Vector512;</c>), each chosen so that it means the same inside the optimizer
/// class as at the top of the file.
/// </summary>
internal static partial class ModelBuilder
{
    /// <summary>
    /// The aliases, each its preferred name unless that name already means something at the step (a member of the
    /// class or of an enclosing namespace, a using alias of the user's, global ones included): then the preferred
    /// name with the first free numeric suffix. A type the name imports through a using directive is no conflict:
    /// an alias takes precedence over it. Names inside the kernels (the user's parameters and locals) never collide
    /// with them: the kernels' locals are renamed away from the aliases.
    /// </summary>
    private static CodeAliases ChooseAliases(SemanticModel semanticModel, int position)
    {
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        string Free(string preferred, string target)
        {
            string candidate = preferred;
            for (int suffix = 2; chosen.Contains(candidate) || Means(candidate, target); suffix++)
            {
                candidate = preferred + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            chosen.Add(candidate);
            return candidate;
        }

        bool Means(string name, string target) =>
            GeneratedMemberNames.Contains(name, StringComparer.Ordinal)
            || semanticModel.LookupNamespacesAndTypes(position, name: name).Concat(semanticModel.LookupSymbols(position, name: name))
                .Any(symbol => symbol is not INamedTypeSymbol named || named.ToDisplayString() != target);

        return new CodeAliases(
            Free("Unsafe", "System.Runtime.CompilerServices.Unsafe"),
            Free("MathF", "System.MathF"),
            Free("Math", "System.Math"),
            Free("Vector", "System.Numerics.Vector"),
            Free("Vector512", "System.Runtime.Intrinsics.Vector512"),
            Free("FloatVector", "System.Numerics.Vector<float>"),
            Free("DoubleVector", "System.Numerics.Vector<double>"),
            Free("FloatVector512", "System.Runtime.Intrinsics.Vector512<float>"),
            Free("DoubleVector512", "System.Runtime.Intrinsics.Vector512<double>"),
            Free("VectorStores", "HyperGen.VectorStores"));
    }
}
