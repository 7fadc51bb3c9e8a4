using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using HyperGen.Optimizers;

namespace HyperGen;

/// <summary>
/// The optimizers a tower specification may name. Names match case-insensitively, with underscores ignored,
/// so <c>RmsProp</c>, <c>rmsprop</c> and <c>rms_prop</c> are the same optimizer.
/// </summary>
public sealed class OptimizerCatalog
{
    private readonly Dictionary<string, OptimizerDefinition> _byKey = new(StringComparer.Ordinal);

    /// <summary>The built-in optimizers: Sgd, Adam, AdamAlpha, AdaGrad, RmsProp, RmsPropAlpha.</summary>
    public static OptimizerCatalog BuiltIn { get; } = CreateBuiltIn();

    /// <summary>An empty catalog.</summary>
    public OptimizerCatalog()
    {
    }

    /// <summary>A catalog holding the optimizers of <paramref name="other"/>.</summary>
    public OptimizerCatalog(OptimizerCatalog other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, definition) in other._byKey)
        {
            _byKey.Add(key, definition);
        }
    }

    /// <summary>The names of the optimizers, sorted.</summary>
    public IReadOnlyList<string> Names => _byKey.Values.Select(d => d.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>The definitions, sorted by name.</summary>
    public IReadOnlyList<OptimizerDefinition> Definitions =>
        _byKey.Values.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>Adds a definition, replacing one of the same name.</summary>
    public OptimizerCatalog Add(OptimizerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _byKey[Key(definition.Name)] = definition;
        return this;
    }

    /// <summary>
    /// Adds every optimizer that the HyperGen generator compiled into <paramref name="assembly"/> (found through
    /// the <see cref="GeneratedOptimizerAttribute"/> the generator writes).
    /// </summary>
    public OptimizerCatalog AddFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var attribute in assembly.GetCustomAttributes<GeneratedOptimizerAttribute>())
        {
            Add(GeneratedOptimizerAttribute.GetDefinition(attribute.OptimizerType));
        }

        return this;
    }

    /// <summary>The definition called <paramref name="name"/>, or null.</summary>
    public OptimizerDefinition? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byKey.GetValueOrDefault(Key(name));
    }

    private static string Key(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static OptimizerCatalog CreateBuiltIn() => new OptimizerCatalog()
        .Add(Sgd.Definition)
        .Add(Adam.Definition)
        .Add(AdamAlpha.Definition)
        .Add(AdaGrad.Definition)
        .Add(RmsProp.Definition)
        .Add(RmsPropAlpha.Definition);
}
