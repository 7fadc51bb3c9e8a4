using System;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;

namespace HyperGen;

/// <summary>The tower's running state as bytes, for <see cref="Checkpoints.TowerCheckpoint"/>.</summary>
public sealed unsafe partial class Tower<T>
{
    /// <summary>
    /// Writes every level's step count, raw hyperparameters, per-element state, recorded partials and hypergradient:
    /// everything a later step reads, so a tower restored from it continues bit for bit.
    /// </summary>
    internal void WriteState(BinaryWriter writer)
    {
        writer.Write(_levels.Length);
        foreach (LevelState<T> level in _levels)
        {
            writer.Write(level.StepCount);
            WriteArray(writer, level.Raw);
            WriteArray(writer, level.State);
            WriteArray(writer, level.Partials);
            WriteArray(writer, level.Hypergradient);
        }
    }

    /// <summary>
    /// Reads what <see cref="WriteState"/> wrote. Everything is read and checked against this tower's shape before
    /// anything is changed, so a mismatch leaves the tower as it was.
    /// </summary>
    /// <exception cref="InvalidDataException">The state belongs to a tower of another shape.</exception>
    internal void ReadState(BinaryReader reader)
    {
        int depth = reader.ReadInt32();
        if (depth != _levels.Length)
        {
            throw new InvalidDataException($"the saved tower has {depth} levels, this one {_levels.Length}");
        }

        var steps = new int[depth];
        var saved = new T[depth][][];
        for (int i = 0; i < depth; i++)
        {
            LevelState<T> level = _levels[i];
            steps[i] = reader.ReadInt32();
            saved[i] =
            [
                ReadArray(reader, level.Raw.Length, i, "hyperparameters"),
                ReadArray(reader, level.State.Length, i, "state"),
                ReadArray(reader, level.Partials.Length, i, "partials"),
                ReadArray(reader, level.Hypergradient.Length, i, "hypergradient"),
            ];
        }

        for (int i = 0; i < depth; i++)
        {
            LevelState<T> level = _levels[i];
            level.StepCount = steps[i];
            saved[i][0].CopyTo(level.Raw, 0);
            saved[i][1].CopyTo(level.State, 0);
            saved[i][2].CopyTo(level.Partials, 0);
            saved[i][3].CopyTo(level.Hypergradient, 0);
        }
    }

    private static void WriteArray(BinaryWriter writer, T[] values)
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray(BinaryReader reader, int expected, int level, string what)
    {
        int length = reader.ReadInt32();
        if (length != expected)
        {
            throw new InvalidDataException(
                $"level {level + 1} saved {length} {what} values, this tower has {expected}");
        }

        var values = new T[length];
        Span<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
        reader.BaseStream.ReadExactly(bytes);
        return values;
    }
}
