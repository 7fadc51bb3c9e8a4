using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using HyperGen.Cli.Definitions;

namespace HyperGen.Cli;

/// <summary>Reads the user's files, turning every I/O failure into one clear line rather than a stack trace.</summary>
internal static class InputFiles
{
    /// <param name="path">The path as the user gave it; error messages repeat it unchanged.</param>
    /// <param name="what">What the file is for, e.g. "problem file".</param>
    /// <exception cref="CliInputException">The file is missing or unreadable.</exception>
    public static string ReadAllText(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new CliInputException($"cannot read {what} '{path}': it is a directory");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException or ArgumentException or NotSupportedException)
        {
            string reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => e.Message,
            };
            throw new CliInputException($"cannot read {what} '{path}': {reason}", e);
        }
    }

    /// <summary>Reads definition files in order, ready for <see cref="DefinitionCompiler"/>.</summary>
    public static DefinitionSource[] ReadDefinitions(IReadOnlyList<string> paths)
    {
        var sources = new DefinitionSource[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            sources[i] = new DefinitionSource(paths[i], ReadAllText(paths[i], "definitions file"));
        }

        return sources;
    }
}
