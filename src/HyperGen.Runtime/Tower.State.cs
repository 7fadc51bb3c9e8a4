using System;
using System.IO;
using System.Runtime.InteropServices;

namespace HyperGen;

/// <content>The complete running state of a tower, written to and read from a binary stream (for checkpoints).</content>
public sealed partial class Tower<T>
{
    /// <summary>Marks the start of a tower's state: "HGTS" in little-endian order.</summary>
    private const int StateMagic = 0x53544748;

    private const int StateVersion = 1;

    /// <summary>
    /// Writes everything a resumed tower needs to continue the same trajectory bit for bit: a header describing the
    /// shape (precision, levels, tensors, and per level its optimizer and buffer sizes), then per level the step
    /// counter, raw hyperparameters, hypergradient, current state and, depending on how the level above gets its
    /// hypergradient, the stored partials or the previous step's state, gradients, raw hyperparameters and step
    /// index; then the skipped-step counter.
    /// </summary>
    /// <remarks>Double-buffered state is written in logical order (current, then previous), not by buffer.</remarks>
    internal void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateMagic);
        writer.Write(StateVersion);
        writer.Write(System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        writer.Write(Depth);
        // A sharded tower writes the whole model's tensors: the file is the one-process tower's (see WriteElements).
        writer.Write(TensorSizes.Count);
        foreach (int size in TensorSizes)
        {
            writer.Write(size);
        }

        for (int index = 0; index < _levels.Length; index++)
        {
            LevelState<T> level = _levels[index];
            writer.Write(level.Definition.Name);
            writer.Write(SavedCount(index));
            writer.Write(level.HyperCount);
            writer.Write(level.StateCount);
            writer.Write(level.RecomputesPartials);
            writer.Write(level.PartialCount * SavedCount(index));
            writer.Write(level.Hypergradient.Length);
        }

        for (int index = 0; index < _levels.Length; index++)
        {
            LevelState<T> level = _levels[index];
            writer.Write(level.StepCount);
            WriteValues(writer, level.Raw);
            WriteValues(writer, level.Hypergradient);

            // Variable by variable and tensor by tensor, without the padding that aligns each: the format does not
            // depend on the memory layout.
            for (int k = 0; k < level.StateCount; k++)
            {
                WriteElements(writer, index, level.StateVariable(k));
            }

            for (int j = 0; j < level.PartialCount; j++)
            {
                WriteElements(writer, index, level.Partial(j));
            }

            if (level.RecomputesPartials)
            {
                for (int k = 0; k < level.StateCount; k++)
                {
                    WriteElements(writer, index, level.PreviousStateVariable(k));
                }

                WriteElements(writer, index, level.PreviousGradients);
                WriteValues(writer, level.PreviousRaw);
                writer.Write(level.PreviousStepIndex);
            }
        }

        writer.Write(SkippedStepCount);
    }

    /// <summary>
    /// Replaces this tower's state with one written by <see cref="WriteState"/> from a tower of the same shape. The
    /// whole header is checked before any value is read, so a mismatch leaves this tower as it was.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not a tower state, or describes a tower of another shape (the message says what differs).</exception>
    internal void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Expect(reader.ReadInt32(), StateMagic, "the start marker");
        Expect(reader.ReadInt32(), StateVersion, "the format version");
        Expect(reader.ReadInt32(), System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), $"the size of one value ({typeof(T).Name})");
        Expect(reader.ReadInt32(), Depth, "the number of levels");
        Expect(reader.ReadInt32(), TensorSizes.Count, "the number of tensors");
        for (int i = 0; i < TensorSizes.Count; i++)
        {
            Expect(reader.ReadInt32(), TensorSizes[i], $"the size of tensor {i}");
        }

        for (int index = 0; index < _levels.Length; index++)
        {
            LevelState<T> level = _levels[index];
            string where = $"level {index + 1}";
            string name = reader.ReadString();
            if (name != level.Definition.Name)
            {
                throw new InvalidDataException($"The saved tower has {name} at {where}; this tower has {level.Definition.Name}.");
            }

            Expect(reader.ReadInt32(), SavedCount(index), $"the element count of {where}");
            Expect(reader.ReadInt32(), level.HyperCount, $"the hyperparameter count of {where}");
            Expect(reader.ReadInt32(), level.StateCount, $"the state variable count of {where}");
            bool recomputes = reader.ReadBoolean();
            if (recomputes != level.RecomputesPartials)
            {
                throw new InvalidDataException(
                    $"The saved tower {(recomputes ? "recomputes" : "stores")} the partials of {where}; this tower {(level.RecomputesPartials ? "recomputes" : "stores")} them.");
            }

            Expect(reader.ReadInt32(), level.PartialCount * SavedCount(index), $"the partial count of {where}");
            Expect(reader.ReadInt32(), level.Hypergradient.Length, $"the hypergradient count of {where}");
        }

        for (int index = 0; index < _levels.Length; index++)
        {
            LevelState<T> level = _levels[index];
            level.StepCount = reader.ReadInt32();
            ReadValues(reader, level.Raw);
            ReadValues(reader, level.Hypergradient);
            for (int k = 0; k < level.StateCount; k++)
            {
                ReadElements(reader, index, level.StateVariable(k));
            }

            for (int j = 0; j < level.PartialCount; j++)
            {
                ReadElements(reader, index, level.Partial(j));
            }

            if (level.RecomputesPartials)
            {
                for (int k = 0; k < level.StateCount; k++)
                {
                    ReadElements(reader, index, level.PreviousStateVariable(k));
                }

                ReadElements(reader, index, level.PreviousGradients);
                ReadValues(reader, level.PreviousRaw);
                level.PreviousStepIndex = reader.ReadInt32();
            }
        }

        SkippedStepCount = reader.ReadInt64();
    }

    private static void Expect(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"The saved tower state has {actual} as {what}; this tower needs {expected}.");
        }
    }

    /// <summary>The elements a level has in the file: level 1's are the parameters, without the padding between tensors.</summary>
    private int SavedCount(int level) => level == 0 ? ParameterCount : _levels[level].Count;

    /// <summary>Writes one per-element buffer of <paramref name="level"/>; level 1's tensor by tensor, skipping the padding.</summary>
    private void WriteElements(BinaryWriter writer, int level, ReadOnlySpan<T> values)
    {
        if (level > 0)
        {
            WriteValues(writer, values);
            return;
        }

        if (_shard is not null)
        {
            WriteGatheredElements(writer, values);
            return;
        }

        for (int t = 0; t < _tensorSizes.Length; t++)
        {
            WriteValues(writer, values.Slice(Plan.TensorOffsets[t], _tensorSizes[t]));
        }
    }

    /// <summary>Reads what <see cref="WriteElements"/> wrote, into the same places.</summary>
    private void ReadElements(BinaryReader reader, int level, Span<T> values)
    {
        if (level > 0)
        {
            ReadValues(reader, values);
            return;
        }

        if (_shard is not null)
        {
            ReadShardOfElements(reader, values);
            return;
        }

        for (int t = 0; t < _tensorSizes.Length; t++)
        {
            ReadValues(reader, values.Slice(Plan.TensorOffsets[t], _tensorSizes[t]));
        }
    }

    /// <summary>
    /// A sharded tower's level-1 buffer, written whole: each tensor's pieces all-gathered from every rank (so every
    /// rank must write its state at the same time), then written as a one-process tower writes it. The file is then
    /// the one-process tower's, byte for byte where the trajectories are, and resumes on any number of ranks: a
    /// reader takes its own piece (<see cref="ReadShardOfElements"/>). Only the levels above are replicated; they are
    /// written from this rank's copy, which is every rank's.
    /// </summary>
    private void WriteGatheredElements(BinaryWriter writer, ReadOnlySpan<T> values)
    {
        ShardExchange shard = _shard!;
        for (int t = 0; t < _tensorSizes.Length; t++)
        {
            var whole = new T[shard.Sharding.TensorSizes[t]];
            values.Slice(Plan.TensorOffsets[t], _tensorSizes[t]).CopyTo(whole.AsSpan(shard.PieceStarts[t]));
            shard.Communicator.AllGather<T>(whole, shard.PieceCounts(t));
            WriteValues(writer, whole);
        }
    }

    /// <summary>Reads a whole level-1 buffer, written by a tower on any number of ranks, and keeps this rank's piece of each tensor.</summary>
    private void ReadShardOfElements(BinaryReader reader, Span<T> values)
    {
        ShardExchange shard = _shard!;
        for (int t = 0; t < _tensorSizes.Length; t++)
        {
            var whole = new T[shard.Sharding.TensorSizes[t]];
            ReadValues(reader, whole);
            whole.AsSpan(shard.PieceStarts[t], _tensorSizes[t]).CopyTo(values.Slice(Plan.TensorOffsets[t], _tensorSizes[t]));
        }
    }

    private static void WriteValues(BinaryWriter writer, ReadOnlySpan<T> values) =>
        writer.Write(MemoryMarshal.AsBytes(values));

    private static void ReadValues(BinaryReader reader, Span<T> values)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(values);
        while (!bytes.IsEmpty)
        {
            int read = reader.Read(bytes);
            if (read == 0)
            {
                throw new EndOfStreamException("The saved tower state ends before its last value.");
            }

            bytes = bytes[read..];
        }
    }
}
