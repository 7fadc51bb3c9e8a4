// Compiled by MSBuild's RoslynCodeTaskFactory from HyperGen.TorchSharp.targets (the task at the end), and by the tests
// with HYPERGEN_ELF_READER_ONLY (the reader alone, which needs no MSBuild assemblies). Kept to plain C# that both read.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace HyperGen.TorchSharp.Build
{
    /// <summary>One entry of an ELF file's version needs (<c>.gnu.version_r</c>): a version required of one library.</summary>
    public sealed class ElfVersionNeed
    {
        public ElfVersionNeed(string library, string version, ushort flags, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version is required of, e.g. <c>libstdc++.so.6</c>.</summary>
        public string Library { get; }

        /// <summary>The version's name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Version { get; }

        /// <summary>The entry's <c>vna_flags</c>.</summary>
        public ushort Flags { get; }

        /// <summary>Where <c>vna_flags</c> is in the file.</summary>
        public long FlagsOffset { get; }

        /// <summary>Whether the entry is weak: a loader that does not find the version goes on (<c>VER_FLG_WEAK</c>).</summary>
        public bool IsWeak => (Flags & ElfVersions.WeakFlag) != 0;
    }

    /// <summary>
    /// Reads the symbol versions a 64-bit little-endian ELF shared library defines (<c>.gnu.version_d</c>) and
    /// requires (<c>.gnu.version_r</c>), and marks a required version weak. Any other file reads as having none.
    /// </summary>
    public static class ElfVersions
    {
        /// <summary><c>VER_FLG_WEAK</c>.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint VersionDefinitions = 0x6ffffffd;
        private const uint VersionNeeds = 0x6ffffffe;

        /// <summary>The version names <paramref name="elf"/> defines, e.g. every <c>GLIBCXX_3.4.x</c> of a libstdc++.</summary>
        public static HashSet<string> ReadDefinitions(byte[] elf)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (Section section in Sections(elf))
            {
                if (section.Type != VersionDefinitions)
                {
                    continue;
                }

                Section strings = Sections(elf)[(int)section.Link];
                long at = section.Offset;
                for (uint i = 0; i < section.Info && at + 20 <= elf.Length; i++)
                {
                    ushort count = U16(elf, at + 6);
                    uint aux = U32(elf, at + 12);
                    uint next = U32(elf, at + 16);
                    if (count > 0 && at + aux + 8 <= elf.Length)
                    {
                        names.Add(Text(elf, strings, U32(elf, at + aux)));
                    }

                    if (next == 0)
                    {
                        break;
                    }

                    at += next;
                }
            }

            return names;
        }

        /// <summary>Every version <paramref name="elf"/> requires, library by library.</summary>
        public static List<ElfVersionNeed> ReadNeeds(byte[] elf)
        {
            var needs = new List<ElfVersionNeed>();
            List<Section> sections = Sections(elf);
            foreach (Section section in sections)
            {
                if (section.Type != VersionNeeds)
                {
                    continue;
                }

                Section strings = sections[(int)section.Link];
                long at = section.Offset;
                for (uint i = 0; i < section.Info && at + 16 <= elf.Length; i++)
                {
                    ushort count = U16(elf, at + 2);
                    string library = Text(elf, strings, U32(elf, at + 4));
                    long aux = at + U32(elf, at + 8);
                    for (int j = 0; j < count && aux + 16 <= elf.Length; j++)
                    {
                        needs.Add(new ElfVersionNeed(library, Text(elf, strings, U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
                        uint auxNext = U32(elf, aux + 12);
                        if (auxNext == 0)
                        {
                            break;
                        }

                        aux += auxNext;
                    }

                    uint next = U32(elf, at + 12);
                    if (next == 0)
                    {
                        break;
                    }

                    at += next;
                }
            }

            return needs;
        }

        /// <summary>Sets <see cref="WeakFlag"/> on one entry of <paramref name="elf"/>, in memory.</summary>
        public static void MarkWeak(byte[] elf, ElfVersionNeed need)
        {
            ushort flags = (ushort)(need.Flags | WeakFlag);
            elf[need.FlagsOffset] = (byte)flags;
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }

        private static List<Section> Sections(byte[] elf)
        {
            var sections = new List<Section>();
            bool isElf64Le = elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F'
                && elf[4] == 2 && elf[5] == 1;
            if (!isElf64Le)
            {
                return sections;
            }

            long table = (long)U64(elf, 0x28);
            ushort size = U16(elf, 0x3A);
            ushort count = U16(elf, 0x3C);
            for (int i = 0; i < count && size >= 64 && table + ((i + 1) * (long)size) <= elf.Length; i++)
            {
                long at = table + (i * (long)size);
                sections.Add(new Section(U32(elf, at + 4), (long)U64(elf, at + 0x18), U32(elf, at + 0x28), U32(elf, at + 0x2C)));
            }

            return sections;
        }

        private static string Text(byte[] elf, Section strings, uint offset)
        {
            long start = strings.Offset + offset;
            long end = start;
            while (end < elf.Length && elf[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | (b[at + 1] << 8));

        private static uint U32(byte[] b, long at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private readonly struct Section
        {
            public Section(uint type, long offset, uint link, uint info)
            {
                Type = type;
                Offset = offset;
                Link = link;
                Info = info;
            }

            public uint Type { get; }

            public long Offset { get; }

            public uint Link { get; }

            public uint Info { get; }
        }
    }

    /// <summary>Finds the libstdc++ that a process on this machine loads.</summary>
    public static class LibStdCxx
    {
        /// <summary>
        /// The first <c>libstdc++.so.6</c> in the loader's order for a program started here: LD_LIBRARY_PATH, then
        /// the distribution's library folders (multiarch first); null when there is none.
        /// </summary>
        public static string? Find()
        {
            var folders = new List<string>();
            string? path = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(path))
            {
                folders.AddRange(path.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
            }

            string triplet = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
            {
                System.Runtime.InteropServices.Architecture.Arm64 => "aarch64-linux-gnu",
                _ => "x86_64-linux-gnu",
            };
            folders.AddRange(new[] { "/lib/" + triplet, "/usr/lib/" + triplet, "/lib64", "/usr/lib64", "/lib", "/usr/lib" });
            foreach (string folder in folders)
            {
                string candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}

#if !HYPERGEN_ELF_READER_ONLY
namespace HyperGen.TorchSharp.Build
{
    using Microsoft.Build.Framework;
    using Microsoft.Build.Utilities;

    /// <summary>
    /// Makes the build's copies of TorchSharp's native library load where the machine's libstdc++ is older than the
    /// one it was linked against: each listed version that the library requires of libstdc++ and this machine's
    /// libstdc++ does not define is marked weak in the copy (TorchSharp 0.107.0 needs GLIBCXX_3.4.32, from GCC 13,
    /// only for a bare reference that no relocation uses). Where libstdc++ has every version, nothing is written.
    /// </summary>
    public sealed class WeakenMissingLibStdCxxVersions : Task
    {
        /// <summary>The copies to fix: files in the build's or the publish's output, never the package cache's.</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The versions that may be weakened (semicolon-separated): those known to be used by no relocation.</summary>
        public string Versions { get; set; } = "GLIBCXX_3.4.32";

        /// <summary>The libstdc++ to compare with; the loader's when empty.</summary>
        public string LibStdCxxPath { get; set; } = "";

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
            {
                return true;
            }

            string? libstdcxx = string.IsNullOrEmpty(LibStdCxxPath) ? LibStdCxx.Find() : LibStdCxxPath;
            if (libstdcxx is null || !File.Exists(libstdcxx))
            {
                Log.LogMessage(MessageImportance.Normal, "HyperGen.TorchSharp: no libstdc++.so.6 found; TorchSharp's native library is left as it is.");
                return true;
            }

            HashSet<string> defined = ElfVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx));
            var weakenable = new HashSet<string>(Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            foreach (ITaskItem item in Files)
            {
                string file = item.ItemSpec;
                if (!File.Exists(file))
                {
                    continue;
                }

                byte[] elf = File.ReadAllBytes(file);
                var weakened = new List<string>();
                foreach (ElfVersionNeed need in ElfVersions.ReadNeeds(elf))
                {
                    if (need.Library != "libstdc++.so.6" || defined.Contains(need.Version) || need.IsWeak)
                    {
                        continue;
                    }

                    if (weakenable.Contains(need.Version))
                    {
                        ElfVersions.MarkWeak(elf, need);
                        weakened.Add(need.Version);
                    }
                    else
                    {
                        Log.LogWarning(
                            $"HyperGen.TorchSharp: {file} requires {need.Version} of libstdc++, which {libstdcxx} lacks and which is not known to be " +
                            "safe to weaken; it will not load here. Install a newer libstdc++ (that of GCC 13 or later).");
                    }
                }

                if (weakened.Count == 0)
                {
                    continue;
                }

                // A new file takes the copy's name (the old name is unlinked, never written), so that a copy hard-linked
                // to the package cache leaves the cache's file as it was.
                string temporary = file + ".hypergen-tmp";
                File.WriteAllBytes(temporary, elf);
                File.Delete(file);
                File.Move(temporary, file);
                Log.LogMessage(
                    MessageImportance.High,
                    $"HyperGen.TorchSharp: marked {string.Join(", ", weakened)} weak in {file}, as {libstdcxx} predates it (see docs/torchsharp.md).");
            }

            return !Log.HasLoggedErrors;
        }
    }
}
#endif
