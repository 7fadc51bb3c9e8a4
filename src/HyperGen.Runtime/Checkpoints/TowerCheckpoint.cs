using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;

namespace HyperGen.Checkpoints;

/// <summary>
/// Saves and restores a <see cref="Tower{T}"/> with its weights: every level's hyperparameters, optimizer state,
/// recorded partials, hypergradients, step counts and bound hits. A restored tower continues bit for bit as the
/// saved one would have.
/// </summary>
/// <example>
/// <code>
/// TowerCheckpoint.Save("run/checkpoint.hgc", tower, weights);   // atomic: the old file survives a crash
/// ...
/// var tower = new Tower&lt;float&gt;(spec, weights.Length);          // the same spec and sizes as when saved
/// TowerCheckpoint.Load("run/checkpoint.hgc", tower, weights);
/// </code>
/// </example>
public static class TowerCheckpoint
{
    /// <summary>The section holding the tower.</summary>
    public const string TowerTag = "TOWR";

    /// <summary>The section holding the weights.</summary>
    public const string WeightsTag = "WGHT";

    /// <summary>Writes a checkpoint holding just <paramref name="tower"/> and <paramref name="weights"/>, atomically.</summary>
    public static void Save<T>(string path, Tower<T> tower, ReadOnlySpan<T> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var checkpoint = new CheckpointWriter();
        Write(checkpoint, tower, weights);
        checkpoint.Save(path);
    }

    /// <summary>Restores <paramref name="tower"/> and <paramref name="weights"/> from the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The file is unusable or was saved for another tower; nothing was changed.</exception>
    public static void Load<T>(string path, Tower<T> tower, Span<T> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Read(CheckpointReader.Open(path), tower, weights);

    /// <summary>
    /// Adds the tower and weight sections to <paramref name="checkpoint"/>. A sharded tower gathers its level-1 state
    /// from every rank here, so every rank calls it at the same step; the sections are then the whole tower's, the
    /// same on every rank and the same as a one-process tower's, and one rank saves them. Such a checkpoint resumes on
    /// any number of ranks, or on one process: <see cref="Read{T}"/> takes each rank's shard.
    /// </summary>
    public static void Write<T>(CheckpointWriter checkpoint, Tower<T> tower, ReadOnlySpan<T> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(tower);
        if (weights.Length != tower.ParameterCount)
        {
            throw new ArgumentException(
                $"The tower has {tower.ParameterCount} weights; got {weights.Length}.", nameof(weights));
        }

        T[] copy = weights.ToArray();
        checkpoint.AddSection(WeightsTag, writer =>
        {
            writer.Write(ElementSize<T>());
            writer.Write(copy.Length);
            writer.Write(MemoryMarshal.AsBytes(copy.AsSpan()));
        });
        checkpoint.AddSection(TowerTag, writer =>
        {
            writer.Write(ElementSize<T>());
            writer.Write(tower.Spec.ToString());
            writer.Write(tower.TensorSizes.Count);
            foreach (int size in tower.TensorSizes)
            {
                writer.Write(size);
            }

            foreach (TowerLevel level in tower.Levels)
            {
                for (int j = 0; j < level.Definition.HyperParameters.Count; j++)
                {
                    writer.Write(level.GetBoundHits(j));
                }
            }

            tower.WriteState(writer);
        });
    }

    /// <summary>
    /// Restores <paramref name="tower"/> and <paramref name="weights"/> from <paramref name="checkpoint"/>. The
    /// saved tower must have the same spec, precision and tensor sizes. Everything is checked before anything changes.
    /// </summary>
    /// <exception cref="CheckpointException">A section is missing or malformed, or was saved for another tower.</exception>
    public static void Read<T>(CheckpointReader checkpoint, Tower<T> tower, Span<T> weights)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(tower);
        string path = checkpoint.Path;
        int expected = weights.Length;
        T[] savedWeights = checkpoint.ReadSection(WeightsTag, reader =>
        {
            CheckElementSize<T>(path, reader.ReadByte(), "weights");
            int count = reader.ReadInt32();
            if (count != expected || count != tower.ParameterCount)
            {
                throw new CheckpointException(
                    path, $"holds {count} weights; this model has {expected} and its tower {tower.ParameterCount}");
            }

            var values = new T[count];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        });

        checkpoint.ReadSection(TowerTag, reader =>
        {
            CheckElementSize<T>(path, reader.ReadByte(), "tower");
            string spec = reader.ReadString();
            if (spec != tower.Spec.ToString())
            {
                throw new CheckpointException(path, $"was saved for the tower {spec}, not {tower.Spec}");
            }

            int tensorCount = reader.ReadInt32();
            int[] sizes = tensorCount is >= 0 and <= 1 << 20
                ? Enumerable.Range(0, tensorCount).Select(_ => reader.ReadInt32()).ToArray()
                : throw new CheckpointException(path, $"the tower section claims {tensorCount} tensors");
            if (!sizes.SequenceEqual(tower.TensorSizes))
            {
                throw new CheckpointException(
                    path, $"was saved for tensors of sizes [{string.Join(", ", sizes)}], not [{string.Join(", ", tower.TensorSizes)}]");
            }

            var hits = new List<long[]>();
            foreach (TowerLevel level in tower.Levels)
            {
                hits.Add(Enumerable.Range(0, level.Definition.HyperParameters.Count).Select(_ => reader.ReadInt64()).ToArray());
            }

            try
            {
                tower.ReadState(reader);
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointException(path, e.Message, e);
            }

            for (int i = 0; i < hits.Count; i++)
            {
                tower.Levels[i].Bounds.SetHits(hits[i]);
            }

            return true;
        });

        savedWeights.CopyTo(weights);
    }

    private static byte ElementSize<T>()
        where T : unmanaged => (byte)Marshal.SizeOf<T>();

    private static void CheckElementSize<T>(string path, byte saved, string what)
        where T : unmanaged
    {
        if (saved != ElementSize<T>())
        {
            string Name(int size) => size switch { 4 => "float", 8 => "double", _ => $"{size}-byte values" };
            throw new CheckpointException(path, $"the {what} were saved in {Name(saved)}, this run uses {Name(ElementSize<T>())}");
        }
    }
}
