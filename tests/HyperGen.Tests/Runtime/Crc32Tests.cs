using System.Text;
using HyperGen.Checkpoints;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>The checkpoint checksum is the standard CRC-32: the published check values.</summary>
public sealed class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Matches_the_published_check_values(string text, uint expected) =>
        Assert.Equal(expected, Crc32.HashToUInt32(Encoding.ASCII.GetBytes(text)));
}
