namespace HyperGen.Cli.Definitions;

/// <summary>One C# file of optimizer definitions.</summary>
/// <param name="Path">The path that diagnostics name, as the user wrote it.</param>
/// <param name="Text">The file's contents.</param>
public sealed record DefinitionSource(string Path, string Text);
