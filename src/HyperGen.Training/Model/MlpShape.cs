using System;
using HyperGen.Training.Data;

namespace HyperGen.Training.Model;

/// <summary>
/// Layer sizes of the two-layer perceptron and the layout of its flat parameter vector. The layout is PyTorch's
/// <c>torch.cat([p.flatten() for p in model.parameters()])</c> for <c>Linear(in, hidden), Linear(hidden, classes)</c>:
/// W1 (hidden x inputs, row-major: one row per hidden unit), b1, W2 (classes x hidden), b2, contiguous in that order.
/// </summary>
/// <param name="Inputs">Input features (784 for 28x28 images).</param>
/// <param name="Hidden">Hidden units (128 in the paper).</param>
/// <param name="Classes">Output classes (10).</param>
public readonly record struct MlpShape(int Inputs, int Hidden, int Classes)
{
    /// <summary>The paper's network: 784-128-10.</summary>
    public static MlpShape Paper => new(784, 128, 10);

    /// <summary>Offset of W1 in the flat parameter vector (always 0).</summary>
    public int W1Offset => 0;

    /// <summary>Offset of b1 (after the Hidden x Inputs weights of W1).</summary>
    public int B1Offset => Hidden * Inputs;

    /// <summary>Offset of W2.</summary>
    public int W2Offset => B1Offset + Hidden;

    /// <summary>Offset of b2.</summary>
    public int B2Offset => W2Offset + Classes * Hidden;

    /// <summary>Total number of parameters (101,770 for the paper's network).</summary>
    public int ParameterCount => B2Offset + Classes;

    /// <summary>Throws unless the training and test images of <paramref name="data"/> have <see cref="Inputs"/> pixels and <see cref="Classes"/> classes.</summary>
    /// <param name="data">The dataset a trainer is given.</param>
    /// <param name="paramName">The trainer's parameter that holds it, for the exception.</param>
    /// <exception cref="ArgumentException">The images or the classes do not fit this network.</exception>
    public void CheckFits(FashionMnistDataset data, string paramName)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Train.PixelsPerImage != Inputs || data.Test.PixelsPerImage != Inputs ||
            data.Train.ClassCount != Classes || data.Test.ClassCount != Classes)
        {
            throw new ArgumentException($"The model takes {Inputs}-pixel images in {Classes} classes.", paramName);
        }
    }

    /// <summary>Throws unless every size is positive and the class count fits a byte label.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or there are more than 256 classes.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Classes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Classes, 256);
    }
}
