using System.IO;
using System.Numerics;

namespace HyperGen.Tests.Runtime;

/// <summary>Every byte of a tower's running state, through its checkpoint writer.</summary>
internal static class TowerStateBytes
{
    public static byte[] Of<T>(Tower<T> tower)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            tower.WriteState(writer);
        }

        return stream.ToArray();
    }

    public static void Load<T>(Tower<T> tower, byte[] state)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        tower.ReadState(reader);
    }
}
