using System.Collections.Generic;
using System.Reflection;

namespace HyperGen.Cli.Definitions;

/// <summary>One compiled group of definition files (see <see cref="DefinitionGroups"/>), loaded.</summary>
/// <param name="Assembly">The assembly the group compiled to.</param>
/// <param name="Paths">Its files, as the user named them.</param>
public sealed record DefinitionAssembly(Assembly Assembly, IReadOnlyList<string> Paths);
