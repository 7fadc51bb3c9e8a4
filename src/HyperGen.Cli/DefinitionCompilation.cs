using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace HyperGen.Cli;

/// <summary>
/// The outcome of <see cref="DefinitionCompiler.Compile"/>: its diagnostics and, when it compiled, the loaded
/// optimizer definitions. Disposing it unloads them.
/// </summary>
public sealed class DefinitionCompilation : IDisposable
{
    private readonly DefinitionLoadContext? _context;
    private readonly OptimizerDefinition[] _definitions;

    internal DefinitionCompilation(IReadOnlyList<Diagnostic> diagnostics, DefinitionLoadContext? context, Assembly? assembly)
    {
        Diagnostics = diagnostics;
        _context = context;
        Assembly = assembly;
        _definitions = assembly is null ? [] : FindDefinitions(assembly);
    }

    /// <summary>Errors and warnings of the generator and the compiler, in file and position order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then nothing was loaded).</summary>
    public bool HasErrors => Diagnostics.Any(DefinitionCompiler.IsError);

    /// <summary>The compiled assembly, or null when there were errors.</summary>
    public Assembly? Assembly { get; }

    /// <summary>The optimizers the generator compiled, sorted by name.</summary>
    public IReadOnlyList<OptimizerDefinition> Definitions => _definitions;

    /// <summary>The diagnostics as <c>file(line,col): error ID: message</c> lines.</summary>
    public IEnumerable<string> FormatDiagnostics() =>
        Diagnostics.Select(d => DiagnosticFormatter.Format(d, DefinitionCompiler.IsError(d)));

    /// <summary>A copy of the built-in catalog with these definitions added (replacing built-ins of the same name).</summary>
    public OptimizerCatalog CreateCatalog()
    {
        var catalog = new OptimizerCatalog(OptimizerCatalog.BuiltIn);
        return Assembly is null ? catalog : catalog.AddFromAssembly(Assembly);
    }

    /// <summary>Whether <paramref name="definition"/> is one of the optimizers compiled here (not a built-in).</summary>
    public bool Contains(OptimizerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Assembly is not null && definition.GetType().Assembly == Assembly;
    }

    /// <summary>Unloads the compiled assembly once nothing refers to its definitions any more.</summary>
    public void Dispose() => _context?.Unload();

    /// <summary>
    /// The definitions the generator registered on the assembly. A catalog of its own finds them through the same
    /// attribute the runtime reads, so the CLI needs no knowledge of how they are registered.
    /// </summary>
    private static OptimizerDefinition[] FindDefinitions(Assembly assembly)
    {
        OptimizerCatalog own = new OptimizerCatalog().AddFromAssembly(assembly);
        return own.Names.Select(name => own.Find(name)!).ToArray();
    }
}
