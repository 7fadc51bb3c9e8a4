using System;
using HyperGen.Training.Data;
using static TorchSharp.torch;

namespace TorchSharpCnn;

/// <summary>A set of Fashion-MNIST images as two tensors: pixels in [0, 1], shape [N, 1, 28, 28], and int64 labels.</summary>
internal sealed class ImageTensors : IDisposable
{
    public ImageTensors(LabeledImages images)
    {
        var pixels = new float[images.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = images.Pixels[i] / 255f;
        }

        var labels = new long[images.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = images.Labels[i];
        }

        Images = tensor(pixels, [images.Count, 1, images.Rows, images.Columns]);
        Labels = tensor(labels);
    }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public long Count => Labels.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
