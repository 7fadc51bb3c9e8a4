using System;
using HyperGen.Training.Numerics;

namespace HyperGen.Training;

/// <summary>
/// Plain stochastic gradient descent, w -= learningRate * g, with a fixed step size: the baseline that needs no
/// optimizer library, for timing the model and for smoke runs.
/// </summary>
/// <param name="learningRate">The step size (the paper's SGD default is 0.01).</param>
public sealed class SgdOptimizer(float learningRate = 0.01f) : IParameterOptimizer
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; } = learningRate;

    /// <inheritdoc />
    public bool Step(Span<float> weights, ReadOnlySpan<float> gradients)
    {
        if (weights.Length != gradients.Length)
        {
            throw new ArgumentException($"{weights.Length} weights but {gradients.Length} gradients.", nameof(gradients));
        }

        MatrixKernels.AddScaled(weights, gradients, -LearningRate);
        return true;
    }
}
