using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace HyperGen.Checkpoints;

/// <summary>
/// Builds a checkpoint from named sections and writes it atomically: a run killed while saving leaves the previous
/// checkpoint intact. The file layout is described on <c>CheckpointFormat</c> (magic, version, sections, CRC-32).
/// </summary>
/// <example>
/// <code>
/// var checkpoint = new CheckpointWriter();
/// TowerCheckpoint.Write(checkpoint, tower, weights);
/// checkpoint.AddSection("MINE", w =&gt; w.Write(epoch));
/// checkpoint.Save("run/checkpoint.hgc");
/// </code>
/// </example>
public sealed class CheckpointWriter
{
    private readonly List<(string Tag, byte[] Payload)> _sections = [];

    /// <summary>Adds a section whose payload <paramref name="write"/> produces.</summary>
    /// <param name="tag">Four printable ASCII characters naming the section, unique within the checkpoint.</param>
    /// <param name="write">Writes the payload.</param>
    /// <exception cref="ArgumentException">The tag is malformed or already used.</exception>
    public void AddSection(string tag, Action<BinaryWriter> write)
    {
        CheckpointFormat.ValidateTag(tag);
        ArgumentNullException.ThrowIfNull(write);
        if (_sections.Exists(s => s.Tag == tag))
        {
            throw new ArgumentException($"The checkpoint already has a section '{tag}'.", nameof(tag));
        }

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        _sections.Add((tag, payload.ToArray()));
    }

    /// <summary>The whole file: header, sections and checksum.</summary>
    public byte[] ToArray()
    {
        using var file = new MemoryStream();
        using (var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(CheckpointFormat.Magic);
            writer.Write(CheckpointFormat.Version);
            writer.Write(_sections.Count);
            foreach ((string tag, byte[] payload) in _sections)
            {
                writer.Write(Encoding.ASCII.GetBytes(tag));
                writer.Write((long)payload.Length);
                writer.Write(payload);
            }
        }

        Span<byte> crc = stackalloc byte[CheckpointFormat.TrailerLength];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(file.GetBuffer().AsSpan(0, (int)file.Length)));
        file.Write(crc);
        return file.ToArray();
    }

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically (temporary file in the same folder, flushed to
    /// disk, renamed over the target).
    /// </summary>
    /// <exception cref="IOException">The folder is missing or not writable; the previous file is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the previous file is untouched.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, ToArray());
    }
}
