using System;

namespace HyperGen.Training.Model;

/// <summary>
/// PyTorch's default initialisation of <c>nn.Linear</c>, reproduced deterministically from a seed: every weight and
/// bias of a layer is drawn from uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)). (PyTorch's kaiming_uniform_ with
/// a = sqrt(5) for the weights works out to exactly this bound.) The values differ from PyTorch's for the same seed,
/// since the generators differ; the distribution is the same.
/// </summary>
public static class ParameterInitializer
{
    /// <summary>Fills <paramref name="parameters"/> (laid out as <paramref name="shape"/> says) from <paramref name="random"/>.</summary>
    public static void Initialize(MlpShape shape, Span<float> parameters, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (parameters.Length != shape.ParameterCount)
        {
            throw new ArgumentException(
                $"Expected {shape.ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        }

        // W1 and b1 are contiguous and share fan_in = Inputs; W2 and b2 likewise with fan_in = Hidden.
        FillUniform(parameters.Slice(shape.W1Offset, shape.W2Offset), shape.Inputs, random);
        FillUniform(parameters.Slice(shape.W2Offset), shape.Hidden, random);
    }

    /// <summary>Fills <paramref name="parameters"/> from a generator seeded with <paramref name="seed"/>.</summary>
    public static void Initialize(MlpShape shape, Span<float> parameters, int seed) =>
        Initialize(shape, parameters, new Random(seed));

    private static void FillUniform(Span<float> values, int fanIn, Random random)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((2.0 * random.NextDouble() - 1.0) * bound);
        }
    }
}
