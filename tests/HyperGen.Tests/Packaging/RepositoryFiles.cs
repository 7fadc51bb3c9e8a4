using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace HyperGen.Tests.Packaging;

/// <summary>Where the checkout is, for tests that pack projects or read the documentation.</summary>
internal static class RepositoryFiles
{
    /// <summary>
    /// The repository, as recorded at build time, else found by walking up to HyperGen.sln. Not [CallerFilePath]: CI
    /// builds are deterministic, which maps source paths to /_/ in the compiled test assembly.
    /// </summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="relativePath"/> (with '/' separators) in the repository.</summary>
    public static string PathOf(string relativePath) =>
        Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        string? recorded = typeof(RepositoryFiles).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "HyperGen.sln")))
        {
            return recorded;
        }

        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "HyperGen.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository (HyperGen.sln) above the test binaries.");
    }
}
