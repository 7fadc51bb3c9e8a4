using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace HyperGen.Training.Data;

/// <summary>
/// Reads an idx file of unsigned bytes (the MNIST container: a 4-byte magic 00 00 08 D, D big-endian 32-bit
/// dimension sizes, then the bytes), raw or gzip-compressed. Compression is recognised from the content, not the
/// file name. Every way a file can be wrong becomes a <see cref="DatasetFileException"/> naming the file.
/// </summary>
internal static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads <paramref name="path"/>, which must hold exactly <paramref name="dimensionCount"/> dimensions.</summary>
    /// <returns>The dimension sizes (the first is the item count) and all data bytes.</returns>
    public static (int[] Dimensions, byte[] Data) Read(string path, int dimensionCount)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFileException(path, "does not exist.");
        }

        try
        {
            using FileStream file = File.OpenRead(path);
            using Stream content = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
            return ReadContent(path, content, dimensionCount);
        }
        catch (DatasetFileException)
        {
            throw;
        }
        catch (InvalidDataException e)
        {
            // GZipStream's way of saying the compressed bytes are damaged.
            throw new DatasetFileException(path, $"is not a valid gzip stream: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFileException(path, $"could not be read: {e.Message}", e);
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static (int[] Dimensions, byte[] Data) ReadContent(string path, Stream content, int dimensionCount)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = content.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read < magic.Length)
        {
            throw new DatasetFileException(path, $"is truncated: it holds {read} bytes, fewer than an idx header.");
        }

        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByteType)
        {
            throw new DatasetFileException(path,
                $"is not an idx file of unsigned bytes: its magic number is 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}, " +
                $"expected 0x0000080{dimensionCount}.");
        }

        if (magic[3] != dimensionCount)
        {
            throw new DatasetFileException(path,
                $"has {magic[3]} dimensions where {dimensionCount} were expected (wrong file, e.g. labels for images?).");
        }

        Span<byte> sizes = stackalloc byte[4 * dimensionCount];
        read = content.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (read < sizes.Length)
        {
            throw new DatasetFileException(path, "is truncated inside its header (the dimension sizes are incomplete).");
        }

        int[] dimensions = new int[dimensionCount];
        long total = 1;
        for (int i = 0; i < dimensionCount; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizes.Slice(4 * i, 4));
            if (size == 0 || size > int.MaxValue)
            {
                throw new DatasetFileException(path, $"declares an unusable size {size} for dimension {i}.");
            }

            dimensions[i] = (int)size;
            total *= size;
            if (total > Array.MaxLength)
            {
                throw new DatasetFileException(path, "declares more data than one array can hold.");
            }
        }

        byte[] data = new byte[total];
        read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw new DatasetFileException(path,
                $"is truncated: its header announces {data.Length} data bytes ({string.Join(" x ", dimensions)}), " +
                $"but only {read} follow.");
        }

        if (content.ReadByte() >= 0)
        {
            throw new DatasetFileException(path,
                $"has bytes after the {data.Length} data bytes its header announces ({string.Join(" x ", dimensions)}).");
        }

        return (dimensions, data);
    }
}
