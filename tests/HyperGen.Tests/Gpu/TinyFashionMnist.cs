using System;
using System.IO;
using System.IO.Compression;
using HyperGen.Training.Data;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// The first images of the shipped Fashion-MNIST subset, for GPU-path tests: ILGPU's CPU accelerator takes seconds
/// per 784-128-10 step, so these tests train on tens of images (with the model's real shapes).
/// </summary>
internal static class TinyFashionMnist
{
    private static readonly string Subset = Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");

    /// <summary>The first <paramref name="train"/> training and <paramref name="test"/> test images, in memory.</summary>
    public static FashionMnistDataset Load(int train, int test)
    {
        FashionMnistDataset full = FashionMnist.Load(Subset);
        return full with { Train = Head(full.Train, train), Test = Head(full.Test, test) };
    }

    /// <summary>Writes the same images as the four gzipped idx files into <paramref name="directory"/> (for <c>--data</c>).</summary>
    public static void Write(string directory, int train, int test)
    {
        FashionMnistDataset data = Load(train, test);
        Directory.CreateDirectory(directory);
        WriteImages(Path.Combine(directory, "train-images-idx3-ubyte.gz"), data.Train);
        WriteLabels(Path.Combine(directory, "train-labels-idx1-ubyte.gz"), data.Train);
        WriteImages(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"), data.Test);
        WriteLabels(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"), data.Test);
    }

    private static LabeledImages Head(LabeledImages set, int count) => new(
        set.Pixels.AsSpan(0, count * set.PixelsPerImage).ToArray(), set.Labels.AsSpan(0, count).ToArray(), set.Rows, set.Columns, set.ClassCount);

    // The idx format: a big-endian magic number (0x0803 for images, 0x0801 for labels), the dimensions, the bytes.
    private static void WriteImages(string path, LabeledImages set) =>
        WriteIdx(path, 0x0803, [set.Count, set.Rows, set.Columns], set.Pixels);

    private static void WriteLabels(string path, LabeledImages set) => WriteIdx(path, 0x0801, [set.Count], set.Labels);

    private static void WriteIdx(string path, int magic, int[] dimensions, byte[] data)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        Span<byte> word = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, magic);
        gzip.Write(word);
        foreach (int dimension in dimensions)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, dimension);
            gzip.Write(word);
        }

        gzip.Write(data);
    }
}
