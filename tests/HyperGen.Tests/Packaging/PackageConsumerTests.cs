using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// Packs HyperGen and HyperGen.Kernels and uses them the way a new user does: from a fresh console project outside
/// the solution that knows nothing but the packages. Slow (a pack and two builds, about a minute).
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PackageConsumerTests
{
    private readonly PackedPackages _packages;

    public PackageConsumerTests(PackedPackages packages) => _packages = packages;

    [Fact]
    public void HyperGen_package_carries_the_runtime_with_docs_and_the_generator_and_code_fixes_as_analyzers()
    {
        using ZipArchive package = ZipFile.OpenRead(_packages.PackagePath("HyperGen", "nupkg"));
        string[] entries = package.Entries.Select(e => e.FullName).ToArray();

        Assert.Contains("lib/net10.0/HyperGen.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/HyperGen.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/HyperGen.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/HyperGen.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));

        XElement metadata = ReadNuspecMetadata(package);
        Assert.Equal("MIT", Element(metadata, "license").Value);
        Assert.Equal("expression", Element(metadata, "license").Attribute("type")?.Value);
        Assert.Equal("README.md", Element(metadata, "readme").Value);
        Assert.Equal("https://github.com/hypergen/hypergen", Element(metadata, "repository").Attribute("url")?.Value);
        Assert.Empty(metadata.Descendants(metadata.Name.Namespace + "dependency"));
    }

    [Fact]
    public void HyperGen_symbols_package_carries_the_runtime_pdb()
    {
        using ZipArchive symbols = ZipFile.OpenRead(_packages.PackagePath("HyperGen", "snupkg"));
        Assert.Contains("lib/net10.0/HyperGen.Runtime.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void Kernels_package_depends_on_HyperGen_including_its_generator()
    {
        using ZipArchive package = ZipFile.OpenRead(_packages.PackagePath("HyperGen.Kernels", "nupkg"));
        string[] entries = package.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/HyperGen.Kernels.dll", entries);
        Assert.Contains("lib/net10.0/HyperGen.Kernels.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.True(File.Exists(_packages.PackagePath("HyperGen.Kernels", "snupkg")));

        XElement metadata = ReadNuspecMetadata(package);
        XElement hyperGen = Assert.Single(
            metadata.Descendants(metadata.Name.Namespace + "dependency"), d => d.Attribute("id")?.Value == "HyperGen");
        Assert.Equal(_packages.Version, hyperGen.Attribute("version")?.Value);

        // NuGet's default for project references excludes the dependency's analyzers, which would leave a project
        // that references only HyperGen.Kernels without the generator.
        string excluded = hyperGen.Attribute("exclude")?.Value ?? "";
        Assert.DoesNotContain("Analyzers", excluded, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_fresh_console_project_trains_a_custom_optimizer_from_the_package()
    {
        ConsumerProject consumer = ConsumerProject.Create(_packages, "consumer-good");
        consumer.Write("HeavyBall.cs", ConsumerSources.HeavyBall);
        consumer.Write("Program.cs", ConsumerSources.Program);

        DotnetResult build = consumer.Build();
        Assert.True(build.ExitCode == 0, build.ToString());
        // No warning either from the code-fix assembly beside the generator, which the compiler must pass over.
        Assert.DoesNotContain("warning", build.Output.Replace("0 Warning(s)", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

        // The generated code names the version of the package it came from.
        string generated = File.ReadAllText(Path.Combine(consumer.GeneratedDirectory, "Consumer.HeavyBall.HyperGen.g.cs"));
        Assert.Contains($"GeneratedCode(\"HyperGen.Generator\", \"{_packages.Version}\")", generated, StringComparison.Ordinal);

        DotnetResult run = consumer.RunProgram();
        Assert.True(run.ExitCode == 0, run.ToString());
        double firstLoss = ReadNumber(run.Output, "first loss");
        double finalLoss = ReadNumber(run.Output, "final loss");
        double alpha = ReadNumber(run.Output, "tuned alpha");
        Assert.True(finalLoss < firstLoss * 1e-3, $"The loss fell only from {firstLoss} to {finalLoss}.\n{run.Output}");

        // The level above moved alpha away from its declared 0.01: the generated hypergradient code ran.
        Assert.True(Math.Abs(alpha - 0.01) > 1e-3, $"alpha stayed at {alpha}.\n{run.Output}");
    }

    [Fact]
    public void A_broken_definition_fails_the_consumer_build_with_an_HG_diagnostic_at_its_location()
    {
        ConsumerProject consumer = ConsumerProject.Create(_packages, "consumer-broken");
        consumer.Write("Program.cs", "var tower = Consumer.Looping.CreateTower<float>(4);\nSystem.Console.WriteLine(\"The build should have failed.\");\n");
        consumer.Write("Looping.cs", ConsumerSources.BrokenLoop);

        DotnetResult build = consumer.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(new Regex(@"Looping\.cs\(10,9\): error HG0005: a loop", RegexOptions.CultureInvariant), build.Output);

        // The program's use of the broken optimizer adds no error of its own (no CS0117 for CreateTower).
        Assert.DoesNotMatch(new Regex(@"error CS\d{4}", RegexOptions.CultureInvariant), build.Output);
    }

    private static XElement ReadNuspecMetadata(ZipArchive package)
    {
        ZipArchiveEntry nuspec = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        XElement root = XDocument.Load(stream).Root ?? throw new InvalidDataException("The nuspec is empty.");
        return Element(root, "metadata");
    }

    private static XElement Element(XElement parent, string localName) =>
        parent.Element(parent.Name.Namespace + localName)
        ?? throw new InvalidDataException($"The nuspec has no <{localName}> under <{parent.Name.LocalName}>.");

    private static double ReadNumber(string output, string label)
    {
        Match match = Regex.Match(output, $@"^{Regex.Escape(label)} (\S+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"The program printed no '{label}' line:\n{output}");
        return double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
