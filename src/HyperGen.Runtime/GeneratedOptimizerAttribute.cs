using System;
using System.ComponentModel;
using System.Reflection;

namespace HyperGen;

/// <summary>
/// Written by the generator on every assembly that defines optimizers, one per optimizer class, so that
/// <see cref="OptimizerCatalog.AddFromAssembly"/> can find them without scanning types.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedOptimizerAttribute : Attribute
{
    /// <summary>Records that <paramref name="optimizerType"/> has a generated <c>Definition</c> property.</summary>
    public GeneratedOptimizerAttribute(Type optimizerType) => OptimizerType = optimizerType;

    /// <summary>The optimizer class.</summary>
    public Type OptimizerType { get; }

    internal static OptimizerDefinition GetDefinition(Type optimizerType)
    {
        PropertyInfo? property = optimizerType.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static);
        return property?.GetValue(null) as OptimizerDefinition
            ?? throw new InvalidOperationException(
                $"{optimizerType.FullName} has no generated static Definition property; was it compiled with the HyperGen generator?");
    }
}
