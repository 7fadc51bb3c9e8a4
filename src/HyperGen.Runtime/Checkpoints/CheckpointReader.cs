using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace HyperGen.Checkpoints;

/// <summary>
/// A checkpoint read whole and verified before anything in it is used: magic, version, section table and CRC-32.
/// Sections are then read by tag; a section read short or past its end is reported as corrupt.
/// </summary>
public sealed class CheckpointReader
{
    private readonly byte[] _content;
    private readonly Dictionary<string, (int Offset, int Length)> _sections;

    private CheckpointReader(string path, byte[] content, Dictionary<string, (int Offset, int Length)> sections)
    {
        Path = path;
        _content = content;
        _sections = sections;
    }

    /// <summary>The file the checkpoint was read from.</summary>
    public string Path { get; }

    /// <summary>The section tags, in file order.</summary>
    public IEnumerable<string> Tags => _sections.Keys;

    /// <summary>Reads and verifies the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The file is missing, unreadable, truncated, corrupted or of another version.</exception>
    public static CheckpointReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot be read: {e.Message}", e);
        }

        return Parse(path, content);
    }

    /// <summary>Verifies a checkpoint held in memory; <paramref name="path"/> only names it in errors.</summary>
    /// <exception cref="CheckpointException">The content is truncated, corrupted or of another version.</exception>
    public static CheckpointReader Parse(string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        int minimum = CheckpointFormat.HeaderLength + CheckpointFormat.TrailerLength;
        if (content.Length < CheckpointFormat.Magic.Length || !content.AsSpan(0, CheckpointFormat.Magic.Length).SequenceEqual(CheckpointFormat.Magic))
        {
            throw new CheckpointException(path, "not a HyperGen checkpoint (the file does not start with the checkpoint signature)");
        }

        if (content.Length < minimum)
        {
            throw new CheckpointException(path, $"truncated: {content.Length} bytes, less than the {minimum}-byte header and checksum");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(8));
        if (version != CheckpointFormat.Version)
        {
            throw new CheckpointException(
                path, $"format version {version}; this build reads version {CheckpointFormat.Version} only");
        }

        int body = content.Length - CheckpointFormat.TrailerLength;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(body));
        uint actual = Crc32.HashToUInt32(content.AsSpan(0, body));
        if (stored != actual)
        {
            throw new CheckpointException(
                path, $"corrupted or truncated: the checksum is {actual:x8}, the file says {stored:x8}");
        }

        return new CheckpointReader(path, content, ReadSectionTable(path, content, body));
    }

    /// <summary>Whether the checkpoint holds a section <paramref name="tag"/>.</summary>
    public bool HasSection(string tag) => _sections.ContainsKey(tag);

    /// <summary>
    /// Reads section <paramref name="tag"/> with <paramref name="read"/>, which must consume exactly its payload.
    /// </summary>
    /// <exception cref="CheckpointException">The section is missing, or <paramref name="read"/> ran past its end or left bytes unread.</exception>
    public TResult ReadSection<TResult>(string tag, Func<BinaryReader, TResult> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!_sections.TryGetValue(tag, out var section))
        {
            throw new CheckpointException(Path, $"has no '{tag}' section (it has: {string.Join(", ", _sections.Keys)})");
        }

        using var stream = new MemoryStream(_content, section.Offset, section.Length, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        TResult result;
        try
        {
            result = read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(Path, $"section '{tag}' ends early: its content does not match this build's layout", e);
        }

        if (stream.Position != stream.Length)
        {
            throw new CheckpointException(
                Path, $"section '{tag}' has {stream.Length - stream.Position} unread bytes: its content does not match this build's layout");
        }

        return result;
    }

    private static Dictionary<string, (int Offset, int Length)> ReadSectionTable(string path, byte[] content, int body)
    {
        int count = BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(12));
        if (count < 0)
        {
            throw new CheckpointException(path, $"the section count is {count}");
        }

        var sections = new Dictionary<string, (int Offset, int Length)>(StringComparer.Ordinal);
        int at = CheckpointFormat.HeaderLength;
        for (int i = 0; i < count; i++)
        {
            if (body - at < CheckpointFormat.SectionHeaderLength)
            {
                throw new CheckpointException(path, $"section {i + 1} of {count} starts past the end of the file");
            }

            string tag = Encoding.ASCII.GetString(content, at, CheckpointFormat.TagLength);
            long length = BinaryPrimitives.ReadInt64LittleEndian(content.AsSpan(at + CheckpointFormat.TagLength));
            at += CheckpointFormat.SectionHeaderLength;
            if (length < 0 || length > body - at)
            {
                throw new CheckpointException(path, $"section '{tag}' claims {length} bytes; only {body - at} remain");
            }

            if (!sections.TryAdd(tag, (at, (int)length)))
            {
                throw new CheckpointException(path, $"section '{tag}' appears twice");
            }

            at += (int)length;
        }

        if (at != body)
        {
            throw new CheckpointException(path, $"{body - at} bytes follow the last section");
        }

        return sections;
    }
}
