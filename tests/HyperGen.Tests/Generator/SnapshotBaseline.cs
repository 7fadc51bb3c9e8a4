using System;
using System.IO;
using HyperGen.Tests.Packaging;
using Xunit;

namespace HyperGen.Tests.Generator;

/// <summary>
/// Generated text against a checked-in baseline, exactly (line endings aside). Set HYPERGEN_UPDATE_BASELINES=1 to
/// rewrite the baselines from the current generator instead (then review the diff and commit it). Baselines end in
/// .txt so they are not compiled.
/// </summary>
internal static class SnapshotBaseline
{
    public const string UpdateVariable = "HYPERGEN_UPDATE_BASELINES";

    /// <summary>Compares <paramref name="actual"/> with <c>tests/HyperGen.Tests/<paramref name="folder"/>/Baselines/<paramref name="name"/></c>.</summary>
    public static void AssertMatches(string folder, string name, string actual)
    {
        string path = Path.Combine(RepositoryFiles.Root, "tests", "HyperGen.Tests", folder, "Baselines", name);
        actual = Normalize(actual);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"No baseline {path}; run the tests once with {UpdateVariable}=1 to create it.");
        Assert.Equal(Normalize(File.ReadAllText(path)), actual);
    }

    private static string Normalize(string text) => text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
}
