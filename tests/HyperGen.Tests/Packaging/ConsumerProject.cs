using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// A console project in its own folder outside the repository that uses HyperGen only through the packed packages,
/// as a new user's project would: its own nuget.config with the private feed as the only source, its own packages
/// folder, empty Directory.Build/Packages files so nothing from a folder above leaks in, and the repository's SDK pin.
/// </summary>
internal sealed class ConsumerProject
{
    private ConsumerProject(string directory, string projectName)
    {
        Directory = directory;
        ProjectName = projectName;
    }

    /// <summary>The folder holding the project file.</summary>
    public string Directory { get; }

    /// <summary>The project file's name without its extension, which is the program's name too.</summary>
    public string ProjectName { get; }

    /// <summary>The built program, once <see cref="Build"/> succeeded.</summary>
    public string ProgramPath => Path.Combine(Directory, "bin", "Release", "net10.0", ProjectName + ".dll");

    /// <summary>A fresh project <c>Consumer.csproj</c> that references the HyperGen package; its sources are written with <see cref="Write"/>.</summary>
    public static ConsumerProject Create(PackedPackages packages, string name)
    {
        string app = CreateFolder(packages, name);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="HyperGen" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        return new ConsumerProject(app, "Consumer");
    }

    /// <summary>
    /// A copy of the sample in <c>samples/<paramref name="sample"/></c> as a user who copies it gets it: its sources and
    /// its project file, with the HyperGen package in place of the repository's projects, and the settings the
    /// sample has from the repository's Directory.Build.props (nullable, warnings as errors) written into it.
    /// </summary>
    public static ConsumerProject CopyOfSample(PackedPackages packages, string sample)
    {
        string app = CreateFolder(packages, "sample-" + sample);
        string source = RepositoryFiles.PathOf(Path.Combine("samples", sample));
        foreach (string file in System.IO.Directory.GetFiles(source, "*.cs"))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        XDocument project = XDocument.Load(Path.Combine(source, sample + ".csproj"));
        XElement root = project.Root ?? throw new InvalidDataException($"samples/{sample}/{sample}.csproj is empty.");
        XElement[] references = root.Descendants("ProjectReference").ToArray();
        if (references.Length == 0)
        {
            throw new InvalidDataException($"samples/{sample}/{sample}.csproj references no HyperGen project to replace with the package.");
        }

        foreach (XElement reference in references)
        {
            reference.Remove();
        }

        root.Add(
            new XElement("PropertyGroup",
                new XElement("Nullable", "enable"),
                new XElement("ImplicitUsings", "disable"),
                new XElement("TreatWarningsAsErrors", "true")),
            new XElement("ItemGroup",
                new XElement("PackageReference", new XAttribute("Include", "HyperGen"), new XAttribute("Version", packages.Version))));
        project.Save(Path.Combine(app, sample + ".csproj"));
        return new ConsumerProject(app, sample);
    }

    /// <summary>The project's folder, in a root of its own that holds the SDK pin, the feed and nothing from the repository.</summary>
    private static string CreateFolder(PackedPackages packages, string name)
    {
        string root = Path.Combine(packages.Root, name);
        string app = Path.Combine(root, "app");
        System.IO.Directory.CreateDirectory(app);
        File.Copy(RepositoryFiles.PathOf("global.json"), Path.Combine(root, "global.json"));
        foreach (string stopper in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(root, stopper), "<Project />\n");
        }

        // Only the private feed: the HyperGen package has no dependencies, so the restore needs no network and cannot
        // pick up a package of the same name from a public source.
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="packages" />
              </config>
              <packageSources>
                <clear />
                <add key="hypergen-local" value="{packages.Feed}" />
              </packageSources>
            </configuration>
            """);
        return app;
    }

    public void Write(string fileName, string text) => File.WriteAllText(Path.Combine(Directory, fileName), text);

    /// <summary>Builds the project; the generated sources are written under <see cref="GeneratedDirectory"/> too.</summary>
    public DotnetResult Build() =>
        DotnetCommand.Run(
            Directory, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false", "-p:EmitCompilerGeneratedFiles=true");

    /// <summary>Where the build writes what the HyperGen generator generated, one file per optimizer class.</summary>
    public string GeneratedDirectory => Path.Combine(
        Directory, "obj", "Release", "net10.0", "generated", "HyperGen.Generator", "HyperGen.Generator.HyperOptimizeGenerator");

    public DotnetResult RunProgram() => DotnetCommand.Run(Directory, ProgramPath);
}
