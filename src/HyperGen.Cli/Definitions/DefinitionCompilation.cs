using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace HyperGen.Cli.Definitions;

/// <summary>
/// The outcome of <see cref="DefinitionCompiler.Compile"/>: its diagnostics and, when it compiled, the loaded
/// optimizer definitions, one assembly per group of files that compiled together. Disposing it unloads them.
/// </summary>
public sealed class DefinitionCompilation : IDisposable
{
    private readonly DefinitionLoadContext? _context;
    private readonly (OptimizerDefinition Definition, DefinitionAssembly Home)[] _definitions;

    internal DefinitionCompilation(IReadOnlyList<Diagnostic> diagnostics, DefinitionLoadContext? context, IReadOnlyList<DefinitionAssembly> assemblies)
    {
        Diagnostics = diagnostics;
        _context = context;
        Assemblies = assemblies;
        _definitions = assemblies
            .SelectMany(home => FindDefinitions(home).Select(definition => (definition, home)))
            .OrderBy(d => d.definition.Name, StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }

    /// <summary>Errors and warnings of the generator and the compiler, in file and position order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then nothing was loaded).</summary>
    public bool HasErrors => Diagnostics.Any(DefinitionCompiler.IsError);

    /// <summary>The compiled assemblies with their files; empty when there were errors.</summary>
    public IReadOnlyList<DefinitionAssembly> Assemblies { get; }

    /// <summary>The optimizers the generator compiled, sorted by name.</summary>
    public IReadOnlyList<OptimizerDefinition> Definitions => [.. _definitions.Select(d => d.Definition)];

    /// <summary>The diagnostics as <c>file(line,col): error ID: message</c> lines.</summary>
    public IEnumerable<string> FormatDiagnostics() =>
        Diagnostics.Select(d => DiagnosticFormatter.Format(d, DefinitionCompiler.IsError(d)));

    /// <summary>A copy of the built-in catalog with these definitions added (replacing built-ins of the same name).</summary>
    public OptimizerCatalog CreateCatalog()
    {
        var catalog = new OptimizerCatalog(OptimizerCatalog.BuiltIn);
        foreach (var (definition, _) in _definitions)
        {
            catalog.Add(definition);
        }

        return catalog;
    }

    /// <summary>
    /// Two compiled optimizers that a tower spec could not tell apart (names match as the catalog matches them),
    /// as "'Name' in a.cs and in b.cs"; null when every name is its own. Files compiled apart may each declare an
    /// optimizer of the same name, which <c>check</c> takes, but a catalog would keep only one.
    /// </summary>
    public string? FindClashingNames()
    {
        var seen = new OptimizerCatalog();
        foreach (var (definition, home) in _definitions)
        {
            if (seen.Find(definition.Name) is { } earlier)
            {
                string first = string.Join(", ", _definitions.First(d => d.Definition == earlier).Home.Paths);
                string second = string.Join(", ", home.Paths);
                return first == second
                    ? $"'{definition.Name}' twice in {first} (in different namespaces)"
                    : $"'{definition.Name}' in {first} and in {second}";
            }

            seen.Add(definition);
        }

        return null;
    }

    /// <summary>Whether <paramref name="definition"/> is one of the optimizers compiled here (not a built-in).</summary>
    public bool Contains(OptimizerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Assemblies.Any(a => definition.GetType().Assembly == a.Assembly);
    }

    /// <summary>Unloads the compiled assemblies once nothing refers to their definitions any more.</summary>
    public void Dispose() => _context?.Unload();

    /// <summary>
    /// The definitions the generator registered on an assembly: the static <c>Definition</c> of each class its
    /// <see cref="GeneratedOptimizerAttribute"/>s name, as the runtime's catalog reads them, but each one, even two of
    /// one name, which a catalog would merge.
    /// </summary>
    private static IEnumerable<OptimizerDefinition> FindDefinitions(DefinitionAssembly home) =>
        home.Assembly.GetCustomAttributes<GeneratedOptimizerAttribute>()
            .Select(attribute => attribute.OptimizerType.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<OptimizerDefinition>();
}
