using System;
using System.IO;
using System.Linq;
using HyperGen.TorchSharp.Build;
using Xunit;

namespace HyperGen.TorchSharp.Tests;

/// <summary>
/// The build's fix for machines whose libstdc++ predates GCC 13: the output's copy of TorchSharp's native library
/// has its GLIBCXX_3.4.32 requirement weak exactly when this machine's libstdc++ lacks that version, and the NuGet
/// cache's file is never changed.
/// </summary>
public sealed class LibStdCxxFixTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string CacheCopy => Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void The_output_copy_is_weakened_exactly_when_this_machines_libstdcxx_lacks_the_version()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(OutputCopy))
        {
            return;
        }

        string libstdcxx = LibStdCxx.Find() ?? throw new InvalidOperationException("No libstdc++.so.6 on a machine that loads TorchSharp.");
        bool lacking = !ElfVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx)).Contains(Version);
        var needs = ElfVersions.ReadNeeds(File.ReadAllBytes(OutputCopy));
        ElfVersionNeed need = Assert.Single(needs, n => n.Version == Version);
        Assert.Equal(lacking, need.IsWeak);
        Assert.All(needs.Where(n => n.Version != Version), n => Assert.False(n.IsWeak, n.Version));
    }

    [Fact]
    public void The_package_caches_file_is_left_as_published()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(CacheCopy))
        {
            return;
        }

        Assert.All(ElfVersions.ReadNeeds(File.ReadAllBytes(CacheCopy)), n => Assert.False(n.IsWeak, n.Version));
    }

    [Fact]
    public void Marking_a_need_weak_changes_only_its_flags()
    {
        string source = File.Exists(CacheCopy) ? CacheCopy : OutputCopy;
        if (!File.Exists(source))
        {
            return;
        }

        byte[] original = File.ReadAllBytes(source);
        byte[] patched = (byte[])original.Clone();
        var needs = ElfVersions.ReadNeeds(patched);
        Assert.Contains(needs, n => n.Library == "libstdc++.so.6" && n.Version == "GLIBCXX_3.4");
        Assert.Contains(needs, n => n.Library == "libc.so.6");
        ElfVersionNeed need = needs.Single(n => n.Version == Version);
        ElfVersions.MarkWeak(patched, need);

        int[] changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.All(changed, i => Assert.InRange(i, need.FlagsOffset, need.FlagsOffset + 1));
        Assert.NotEmpty(changed);
        Assert.True(ElfVersions.ReadNeeds(patched).Single(n => n.Version == Version).IsWeak);
        Assert.Equal(needs.Count, ElfVersions.ReadNeeds(patched).Count);
    }

    [Fact]
    public void Libstdcxx_versions_are_read_from_its_definitions()
    {
        string? libstdcxx = OperatingSystem.IsLinux() ? LibStdCxx.Find() : null;
        if (libstdcxx is null)
        {
            return;
        }

        var defined = ElfVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx));
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("CXXABI_1.3", defined);
        Assert.DoesNotContain("GLIBC_2.2.5", defined);   // a version it needs of libc, not one it defines
    }
}
