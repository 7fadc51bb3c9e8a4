using System;
using HyperGen.Training.Data;
using ILGPU;
using ILGPU.Runtime;

namespace HyperGen.Training.Gpu;

/// <summary>
/// A labelled image set copied to the accelerator once, as bytes (a quarter of the floats' size: the full
/// Fashion-MNIST training set is 47 MB), so that a batch is gathered on the device from a list of row indices and
/// no pixels cross the bus while training.
/// </summary>
public sealed class GpuImageSet : IDisposable
{
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _pixels;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _labels;

    /// <summary>Copies <paramref name="images"/> to <paramref name="accelerator"/>.</summary>
    public GpuImageSet(Accelerator accelerator, LabeledImages images)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(images);
        Images = images;
        _pixels = accelerator.Allocate1D(images.Pixels);
        _labels = accelerator.Allocate1D(images.Labels);
    }

    /// <summary>The host copy the device copy was made from.</summary>
    public LabeledImages Images { get; }

    /// <summary>Images in the set.</summary>
    public int Count => Images.Count;

    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage => Images.PixelsPerImage;

    /// <summary>All pixels, image after image, as stored (0..255).</summary>
    public ArrayView<byte> Pixels => _pixels.View;

    /// <summary>One label per image.</summary>
    public ArrayView<byte> Labels => _labels.View;

    /// <inheritdoc/>
    public void Dispose()
    {
        _pixels.Dispose();
        _labels.Dispose();
    }
}
