using System.Reflection;
using System.Runtime.Loader;

namespace HyperGen.Cli.Definitions;

/// <summary>
/// A collectible load context for one compiled set of user definitions, so that compiling many files in one process
/// (tests, repeated checks) does not pin every assembly for ever.
/// </summary>
internal sealed class DefinitionLoadContext : AssemblyLoadContext
{
    public DefinitionLoadContext()
        : base("HyperGen definitions", isCollectible: true)
    {
    }

    /// <summary>
    /// Resolves nothing itself: every reference, the HyperGen runtime above all, falls back to the default context.
    /// The generated <c>Definition</c> must derive from the very <see cref="OptimizerDefinition"/> type the CLI
    /// uses, or the catalog could not hold it; a private copy of the runtime would make a distinct, incompatible type.
    /// </summary>
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
