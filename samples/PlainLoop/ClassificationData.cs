using System;

namespace PlainLoop;

/// <summary>
/// Synthetic binary classification data: points with features in [-1, 1] labelled by a hidden hyperplane, with a
/// few labels flipped so the problem is not perfectly separable.
/// </summary>
public sealed class ClassificationData
{
    private ClassificationData(float[] features, float[] labels, int featureCount)
    {
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
    }

    /// <summary>The features, one row of <see cref="FeatureCount"/> values per sample.</summary>
    public float[] Features { get; }

    /// <summary>The labels, 0 or 1, one per sample.</summary>
    public float[] Labels { get; }

    /// <summary>The number of features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of samples.</summary>
    public int SampleCount => Labels.Length;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>Draws <paramref name="sampleCount"/> samples of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">Features per sample.</param>
    /// <param name="sampleCount">Number of samples.</param>
    /// <param name="seed">Seeds the generator, so a run is reproducible.</param>
    public static ClassificationData Generate(int featureCount, int sampleCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        var random = new Random(seed);
        float[] hidden = new float[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            hidden[j] = (float)(random.NextDouble() * 4 - 2);
        }

        float hiddenBias = 0.5f;
        float[] features = new float[sampleCount * featureCount];
        float[] labels = new float[sampleCount];
        for (int i = 0; i < sampleCount; i++)
        {
            float score = hiddenBias;
            for (int j = 0; j < featureCount; j++)
            {
                float value = (float)(random.NextDouble() * 2 - 1);
                features[(i * featureCount) + j] = value;
                score += value * hidden[j];
            }

            bool positive = score > 0;
            bool flipped = random.NextDouble() < 0.02;
            labels[i] = positive ^ flipped ? 1f : 0f;
        }

        return new ClassificationData(features, labels, featureCount);
    }
}
