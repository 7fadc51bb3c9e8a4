using System;

namespace HyperGen.Training.Data;

/// <summary>
/// A set of equally sized grey-scale images with one class label each, as stored in idx files: pixels are kept as
/// the original bytes (0..255, row-major, image after image) and are scaled to [0, 1] only when a batch is assembled,
/// which keeps the full training set at 47 MB instead of 188 MB.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Wraps already validated pixel and label arrays.</summary>
    /// <param name="pixels">Count * rows * columns bytes, image after image.</param>
    /// <param name="labels">One label per image, each below <paramref name="classCount"/>.</param>
    /// <param name="rows">Image height in pixels.</param>
    /// <param name="columns">Image width in pixels.</param>
    /// <param name="classCount">Number of classes the labels range over.</param>
    /// <exception cref="ArgumentException">The array lengths do not agree, or a label is out of range.</exception>
    public LabeledImages(byte[] pixels, byte[] labels, int rows, int columns, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if ((long)labels.Length * rows * columns != pixels.Length)
        {
            throw new ArgumentException(
                $"{pixels.Length} pixel bytes do not hold {labels.Length} images of {rows}x{columns}.", nameof(pixels));
        }

        int bad = labels.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Label {labels[bad]} of item {bad} is not below the class count {classCount}.", nameof(labels));
        }

        Pixels = pixels;
        Labels = labels;
        Rows = rows;
        Columns = columns;
        ClassCount = classCount;
    }

    /// <summary>All pixels, <see cref="Count"/> images of <see cref="PixelsPerImage"/> bytes each.</summary>
    public byte[] Pixels { get; }

    /// <summary>The class of each image, 0 .. <see cref="ClassCount"/> - 1.</summary>
    public byte[] Labels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Rows { get; }

    /// <summary>Image width in pixels.</summary>
    public int Columns { get; }

    /// <summary>Number of classes the labels range over.</summary>
    public int ClassCount { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>A new array of the image indices 0 .. <see cref="Count"/> - 1, in order: a training order before its first shuffle.</summary>
    public int[] Indices()
    {
        int[] indices = new int[Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        return indices;
    }

    /// <summary>Bytes per image: <see cref="Rows"/> * <see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
}
