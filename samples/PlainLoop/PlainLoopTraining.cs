using System;
using HyperGen;

namespace PlainLoop;

/// <summary>
/// One training loop, three ways of holding the parameters. The loop computes its own gradients; a HyperGen tower
/// only ever sees float memory that the caller already owns, and steps it in place.
/// </summary>
public static class PlainLoopTraining
{
    /// <summary>The tower every run uses: Adam, whose alpha and betas are tuned by SGD.</summary>
    public const string TowerText = "adam(alpha=0.01)/sgd(alpha=1e-4)";

    /// <summary>
    /// The parameters are one managed array, weights then bias; the tower steps it as one flat
    /// <see cref="Span{T}"/>.
    /// </summary>
    public static TrainingOutcome OverArray(LogisticRegression model, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.WeightCount + 1;
        float[] parameters = new float[n];
        float[] gradients = new float[n];
        return Train("array", model, steps, parameters, gradients);
    }

    /// <summary>
    /// The parameters and gradients live in native memory (NativeMemory.AllocZeroed); the tower steps spans over it.
    /// </summary>
    public static TrainingOutcome OverNativeMemory(LogisticRegression model, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.WeightCount + 1;
        using var parameters = new NativeBuffer(n);
        using var gradients = new NativeBuffer(n);
        return Train("native memory", model, steps, parameters.Span, gradients.Span);
    }

    /// <summary>
    /// Weights and bias are two separate tensors, one a managed array and one in native memory, trained as one
    /// parameter set: they share the hyperparameters, and the hypergradient sums over both.
    /// </summary>
    public static TrainingOutcome OverSeveralTensors(LogisticRegression model, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        float[] weights = new float[model.WeightCount];
        float[] weightGradients = new float[model.WeightCount];
        using var bias = new NativeBuffer(1);
        using var biasGradient = new NativeBuffer(1);

        var tower = new Tower<float>(TowerSpec.Parse(TowerText), [weights.Length, bias.Length]);
        Memory<float>[] tensors = [weights, bias.Memory];
        ReadOnlyMemory<float>[] tensorGradients = [weightGradients, biasGradient.Memory];

        float initialLoss = 0;
        float loss = 0;
        for (int step = 1; step <= steps; step++)
        {
            loss = model.LossAndGradients(weights, bias.Span[0], weightGradients, out biasGradient.Span[0]);
            initialLoss = step == 1 ? loss : initialLoss;
            tower.Step(tensors, tensorGradients);
        }

        float[] trained = [.. weights, bias.Span[0]];
        return Finish("several tensors", model, tower, initialLoss, loss, trained);
    }

    private static TrainingOutcome Train(
        string memory, LogisticRegression model, int steps, Span<float> parameters, Span<float> gradients)
    {
        var tower = new Tower<float>(TowerSpec.Parse(TowerText), parameters.Length);
        int weightCount = model.WeightCount;
        float initialLoss = 0;
        float loss = 0;
        for (int step = 1; step <= steps; step++)
        {
            loss = model.LossAndGradients(
                parameters[..weightCount], parameters[weightCount], gradients[..weightCount], out gradients[weightCount]);
            initialLoss = step == 1 ? loss : initialLoss;
            tower.Step(parameters, gradients);
        }

        return Finish(memory, model, tower, initialLoss, loss, parameters.ToArray());
    }

    private static TrainingOutcome Finish(
        string memory, LogisticRegression model, Tower<float> tower, float initialLoss, float finalLoss, float[] parameters)
    {
        int weightCount = model.WeightCount;
        float accuracy = model.Accuracy(parameters.AsSpan(0, weightCount), parameters[weightCount]);
        return new TrainingOutcome(memory, initialLoss, finalLoss, accuracy, tower.Levels[0]["alpha"], parameters);
    }
}
