using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// The layout rule of the repository: samples/ holds consumers only, referenced by nothing (no project under src/,
/// tools/, benchmarks/, tests/ or samples/ names a sample's project or files: the tests run a sample as a user does),
/// and every project the solution builds is referenced by path from where it is.
/// </summary>
public sealed class ProjectLayoutTests
{
    [Theory]
    [InlineData("src")]
    [InlineData("tools")]
    [InlineData("benchmarks")]
    [InlineData("tests")]
    [InlineData("samples")]
    public void No_project_references_a_sample(string folder)
    {
        string samples = RepositoryFiles.PathOf("samples") + Path.DirectorySeparatorChar;
        string[] projects = SourceFiles(RepositoryFiles.PathOf(folder), "*.csproj");
        Assert.NotEmpty(projects);
        foreach (string project in projects)
        {
            // A sample's own files are its own; any other project's items (references, linked sources) must stay out.
            string own = Path.GetDirectoryName(project)! + Path.DirectorySeparatorChar;
            string[] intoSamples = ItemPaths(project)
                .Where(path => path.StartsWith(samples, StringComparison.Ordinal) && !path.StartsWith(own, StringComparison.Ordinal))
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
    private static string[] References(string project) => IncludePaths(project, XDocument.Load(project).Descendants("ProjectReference"));

    /// <summary>The full paths of every item the project includes (project references, linked or copied files), wildcards as written.</summary>
    private static string[] ItemPaths(string project) =>
        IncludePaths(project, XDocument.Load(project).Descendants("ItemGroup").Elements());

    private static string[] IncludePaths(string project, IEnumerable<XElement> items) =>
        items
            .Select(item => (string?)item.Attribute("Include"))
            .OfType<string>()
            .SelectMany(include => include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(include => !include.Contains("$(", StringComparison.Ordinal))
            .Select(include => Path.GetFullPath(Path.Combine(
                Path.GetDirectoryName(project)!, include.Replace('\\', Path.DirectorySeparatorChar))))
            .ToArray();
}
