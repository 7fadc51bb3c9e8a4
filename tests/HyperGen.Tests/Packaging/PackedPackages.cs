using System;
using System.IO;
using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// Packs HyperGen and HyperGen.Kernels once, with a version no other run uses, into a private folder outside the
/// repository; the build itself goes to a private artifacts folder so the repository's bin and obj stay untouched.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    public PackedPackages()
    {
        Root = Path.Combine(Path.GetTempPath(), "hypergen-package-tests", Guid.NewGuid().ToString("N"));
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);

        // A fresh prerelease version per run: the consumer can never restore a stale package from any cache.
        Version = $"0.0.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..8]}";
        string artifacts = Path.Combine(Root, "artifacts");
        foreach (string project in new[] { "src/HyperGen.Runtime/HyperGen.Runtime.csproj", "src/HyperGen.Kernels/HyperGen.Kernels.csproj" })
        {
            DotnetResult pack = DotnetCommand.Run(
                RepositoryFiles.Root,
                "pack", RepositoryFiles.PathOf(project), "-c", "Release", "-o", Feed, "--artifacts-path", artifacts,
                $"-p:Version={Version}", "--disable-build-servers", "-nodeReuse:false");
            Assert.True(pack.ExitCode == 0, pack.ToString());
        }
    }

    /// <summary>The private folder holding the feed and everything the tests create.</summary>
    public string Root { get; }

    /// <summary>The folder with the .nupkg and .snupkg files: the consumer's only package source.</summary>
    public string Feed { get; }

    /// <summary>The version of both packages.</summary>
    public string Version { get; }

    /// <summary>The path of a package file in the feed, for example <c>PackagePath("HyperGen", "nupkg")</c>.</summary>
    public string PackagePath(string id, string extension) => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; failing the tests for it would not be.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
