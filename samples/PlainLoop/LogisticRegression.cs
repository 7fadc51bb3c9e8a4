using System;

namespace PlainLoop;

/// <summary>
/// Logistic regression's mean cross-entropy and its gradient, written by hand: the model is
/// <c>p = sigmoid(w . x + b)</c> with one weight per feature and a bias.
/// </summary>
public sealed class LogisticRegression
{
    private readonly ClassificationData _data;

    /// <summary>A model of <paramref name="data"/>.</summary>
    public LogisticRegression(ClassificationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
    }

    /// <summary>The number of weights, one per feature (the bias is separate).</summary>
    public int WeightCount => _data.FeatureCount;

    /// <summary>
    /// Computes the mean cross-entropy at (<paramref name="weights"/>, <paramref name="bias"/>) and writes its
    /// gradient into <paramref name="weightGradients"/> and <paramref name="biasGradient"/>.
    /// </summary>
    /// <returns>The loss.</returns>
    public float LossAndGradients(
        ReadOnlySpan<float> weights, float bias, Span<float> weightGradients, out float biasGradient)
    {
        if (weights.Length != WeightCount || weightGradients.Length != WeightCount)
        {
            throw new ArgumentException(
                $"The model has {WeightCount} weights; got {weights.Length} weights and {weightGradients.Length} gradients.");
        }

        weightGradients.Clear();
        biasGradient = 0;
        double loss = 0;
        int samples = _data.SampleCount;
        for (int i = 0; i < samples; i++)
        {
            ReadOnlySpan<float> row = _data.Row(i);
            float score = bias;
            for (int j = 0; j < row.Length; j++)
            {
                score += weights[j] * row[j];
            }

            float label = _data.Labels[i];

            // log(1 + e^-|s|) keeps the loss finite for large scores; d loss / d score = p - y.
            loss += Math.Log(1 + Math.Exp(-Math.Abs(score))) + Math.Max(score, 0) - (label * score);
            float error = (1 / (1 + MathF.Exp(-score))) - label;
            for (int j = 0; j < row.Length; j++)
            {
                weightGradients[j] += error * row[j] / samples;
            }

            biasGradient += error / samples;
        }

        return (float)(loss / samples);
    }

    /// <summary>The fraction of samples whose label the model predicts.</summary>
    public float Accuracy(ReadOnlySpan<float> weights, float bias)
    {
        int correct = 0;
        for (int i = 0; i < _data.SampleCount; i++)
        {
            ReadOnlySpan<float> row = _data.Row(i);
            float score = bias;
            for (int j = 0; j < row.Length; j++)
            {
                score += weights[j] * row[j];
            }

            correct += (score > 0) == (_data.Labels[i] > 0.5f) ? 1 : 0;
        }

        return (float)correct / _data.SampleCount;
    }
}
