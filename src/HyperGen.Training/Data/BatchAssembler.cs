using System;
using System.Numerics;

namespace HyperGen.Training.Data;

/// <summary>
/// Gathers chosen images of a <see cref="LabeledImages"/> set into one contiguous batch: pixels scaled to [0, 1]
/// (byte / 255, as torchvision's ToTensor does) and their labels. The buffers are allocated once for the largest
/// batch and reused.
/// </summary>
public sealed class BatchAssembler
{
    private static readonly Vector<float> MaxPixel = new(255f);

    /// <summary>Allocates buffers for batches of up to <paramref name="maxBatchSize"/> images of <paramref name="pixelsPerImage"/> pixels.</summary>
    public BatchAssembler(int maxBatchSize, int pixelsPerImage)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        PixelsPerImage = pixelsPerImage;
        Inputs = new float[maxBatchSize * pixelsPerImage];
        Labels = new byte[maxBatchSize];
    }

    /// <summary>Pixels per image, i.e. floats per batch row.</summary>
    public int PixelsPerImage { get; }

    /// <summary>The scaled pixels of the last batch, row after row (only the first <see cref="Count"/> rows are current).</summary>
    public float[] Inputs { get; }

    /// <summary>The labels of the last batch (only the first <see cref="Count"/> are current).</summary>
    public byte[] Labels { get; }

    /// <summary>Rows in the last assembled batch.</summary>
    public int Count { get; private set; }

    /// <summary>The labels of the last batch, exactly <see cref="Count"/> of them.</summary>
    public ReadOnlySpan<byte> CurrentLabels => Labels.AsSpan(0, Count);

    /// <summary>Copies the images <paramref name="indices"/> of <paramref name="set"/> into the batch buffers.</summary>
    public void Assemble(LabeledImages set, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.PixelsPerImage != PixelsPerImage)
        {
            throw new ArgumentException($"Images have {set.PixelsPerImage} pixels, the batch rows {PixelsPerImage}.", nameof(set));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(indices.Length, Labels.Length, nameof(indices));
        for (int row = 0; row < indices.Length; row++)
        {
            int index = indices[row];
            Scale(set.Image(index), Inputs.AsSpan(row * PixelsPerImage, PixelsPerImage));
            Labels[row] = set.Labels[index];
        }

        Count = indices.Length;
    }

    /// <summary>target[i] = source[i] / 255.</summary>
    public static void Scale(ReadOnlySpan<byte> source, Span<float> target)
    {
        if (target.Length < source.Length)
        {
            throw new ArgumentException("Target is shorter than the source.", nameof(target));
        }

        // Widen bytes to 32-bit integers in four steps of Vector<byte>.Count / 4 lanes; divide (not multiply by a
        // reciprocal) so the values equal PyTorch's bit for bit.
        int width = Vector<byte>.Count;
        int lanes = Vector<float>.Count;
        int p = 0;
        for (; p + width <= source.Length; p += width)
        {
            Vector.Widen(new Vector<byte>(source.Slice(p)), out Vector<ushort> low, out Vector<ushort> high);
            Vector.Widen(low, out Vector<uint> q0, out Vector<uint> q1);
            Vector.Widen(high, out Vector<uint> q2, out Vector<uint> q3);
            (Vector.ConvertToSingle(q0) / MaxPixel).CopyTo(target.Slice(p));
            (Vector.ConvertToSingle(q1) / MaxPixel).CopyTo(target.Slice(p + lanes));
            (Vector.ConvertToSingle(q2) / MaxPixel).CopyTo(target.Slice(p + 2 * lanes));
            (Vector.ConvertToSingle(q3) / MaxPixel).CopyTo(target.Slice(p + 3 * lanes));
        }

        for (; p < source.Length; p++)
        {
            target[p] = source[p] / 255f;
        }
    }
}
