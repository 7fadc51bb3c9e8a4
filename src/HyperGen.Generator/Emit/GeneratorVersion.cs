using System.Reflection;

namespace HyperGen.Generator.Emit;

/// <summary>
/// The version generated code is stamped with: the generator assembly's own informational version, which the build
/// sets from the package version, so the stamp cannot fall out of step with the package it came in.
/// </summary>
internal static class GeneratorVersion
{
    /// <summary>The name generated code gives as its tool.</summary>
    public const string ToolName = "HyperGen.Generator";

    /// <summary>The package version, such as <c>0.1.0</c> or <c>0.2.0-preview.1</c>, without build metadata.</summary>
    public static string Value { get; } = Read(typeof(GeneratorVersion).Assembly);

    /// <summary>
    /// Reads <paramref name="assembly"/>'s informational version without its build metadata: SourceLink appends
    /// <c>+commit</c>, and a stamp that changed with every commit would change every generated file with it.
    /// </summary>
    internal static string Read(Assembly assembly)
    {
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        int metadata = informational!.IndexOf('+');
        return metadata < 0 ? informational : informational.Substring(0, metadata);
    }
}
