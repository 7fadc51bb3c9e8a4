using System.IO;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// A console project in its own folder outside the repository that uses HyperGen only through the packed packages,
/// as a new user's project would: its own nuget.config with the private feed as the only source, its own packages
/// folder, empty Directory.Build/Packages files so nothing from a folder above leaks in, and the repository's SDK pin.
/// </summary>
internal sealed class ConsumerProject
{
    private ConsumerProject(string directory) => Directory = directory;

    /// <summary>The folder holding Consumer.csproj.</summary>
    public string Directory { get; }

    /// <summary>The built program, once <see cref="Build"/> succeeded.</summary>
    public string ProgramPath => Path.Combine(Directory, "bin", "Release", "net10.0", "Consumer.dll");

    public static ConsumerProject Create(PackedPackages packages, string name)
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
        return new ConsumerProject(app);
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
