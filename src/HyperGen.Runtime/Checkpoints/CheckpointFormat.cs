using System;
using System.Text;

namespace HyperGen.Checkpoints;

/// <summary>
/// The layout of a checkpoint file, all integers little-endian:
/// <code>
/// magic    8 bytes  "HGCK" 0D 0A 1A 0A   (the line-ending and EOF bytes catch text-mode mangling, as in PNG)
/// version  uint32   <see cref="Version"/>
/// count    int32    number of sections
/// section  count x  { tag: 4 ASCII bytes, length: int64, payload: length bytes }
/// crc      uint32   CRC-32 (IEEE) of every byte before it
/// </code>
/// </summary>
internal static class CheckpointFormat
{
    /// <summary>The format version this build writes and the only one it reads.</summary>
    public const uint Version = 1;

    public const int TagLength = 4;

    public const int SectionHeaderLength = TagLength + sizeof(long);

    public const int HeaderLength = 8 + sizeof(uint) + sizeof(int);

    public const int TrailerLength = sizeof(uint);

    public static ReadOnlySpan<byte> Magic => "HGCK\r\n\u001a\n"u8;

    /// <summary>Checks that <paramref name="tag"/> is four printable ASCII characters.</summary>
    public static void ValidateTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length != TagLength || Encoding.ASCII.GetByteCount(tag) != TagLength || !IsPrintable(tag))
        {
            throw new ArgumentException($"A section tag is four printable ASCII characters, not '{tag}'.", nameof(tag));
        }
    }

    private static bool IsPrintable(string tag)
    {
        foreach (char c in tag)
        {
            if (c < 0x20 || c > 0x7e)
            {
                return false;
            }
        }

        return true;
    }
}
