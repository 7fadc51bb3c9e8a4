using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// The layout rule of the repository: samples/ holds consumers only, so no product project (src/, tools/,
/// benchmarks/) references one, and every project the solution builds is referenced by path from where it is.
/// </summary>
public sealed class ProjectLayoutTests
{
    [Theory]
    [InlineData("src")]
    [InlineData("tools")]
    [InlineData("benchmarks")]
    public void No_product_project_references_a_sample(string folder)
    {
        string samples = RepositoryFiles.PathOf("samples") + Path.DirectorySeparatorChar;
        string[] projects = SourceFiles(RepositoryFiles.PathOf(folder), "*.csproj");
        Assert.NotEmpty(projects);
        foreach (string project in projects)
        {
            string[] intoSamples = References(project)
                .Where(reference => reference.StartsWith(samples, StringComparison.Ordinal))
                .ToArray();
            Assert.True(
                intoSamples.Length == 0,
                $"{Path.GetRelativePath(RepositoryFiles.Root, project)} references {string.Join(", ", intoSamples.Select(r => Path.GetRelativePath(RepositoryFiles.Root, r)))}");
        }
    }

    [Fact]
    public void Every_project_reference_names_a_project_that_exists()
    {
        foreach (string project in SourceFiles(RepositoryFiles.Root, "*.csproj"))
        {
            foreach (string reference in References(project))
            {
                Assert.True(File.Exists(reference), $"{Path.GetRelativePath(RepositoryFiles.Root, project)} references {reference}, which does not exist");
            }
        }
    }

    [Fact]
    public void Each_cli_command_lives_in_its_own_folder_and_every_cli_namespace_follows_its_folder()
    {
        string cli = RepositoryFiles.PathOf("src/HyperGen.Cli");
        string[] sources = SourceFiles(cli, "*.cs");
        Assert.NotEmpty(sources);
        foreach (string source in sources)
        {
            string relative = Path.GetRelativePath(cli, source);
            string folder = Path.GetDirectoryName(relative) ?? "";
            string expected = "namespace " + string.Join('.', new[] { "HyperGen.Cli" }.Concat(folder.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))) + ";";
            Assert.Contains(expected, File.ReadAllText(source), StringComparison.Ordinal);

            string name = Path.GetFileNameWithoutExtension(source);
            if (name.EndsWith("Command", StringComparison.Ordinal))
            {
                Assert.Equal(Path.Combine("Commands", name[..^"Command".Length]), folder);
            }
        }
    }

    /// <summary>The files matching <paramref name="pattern"/> below <paramref name="folder"/>, build outputs (obj, bin) left out.</summary>
    private static string[] SourceFiles(string folder, string pattern)
    {
        string obj = $"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}";
        string bin = $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}";
        return Directory.GetFiles(folder, pattern, SearchOption.AllDirectories)
            .Where(p => !p.Contains(obj, StringComparison.Ordinal) && !p.Contains(bin, StringComparison.Ordinal))
            .ToArray();
    }

    /// <summary>The full paths of the project's ProjectReference items.</summary>
    private static string[] References(string project) =>
        XDocument.Load(project).Descendants("ProjectReference")
            .Select(item => (string?)item.Attribute("Include"))
            .OfType<string>()
            .Select(include => Path.GetFullPath(Path.Combine(
                Path.GetDirectoryName(project)!, include.Replace('\\', Path.DirectorySeparatorChar))))
            .ToArray();
}
