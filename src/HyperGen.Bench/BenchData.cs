using System.Numerics;

namespace HyperGen.Bench;

/// <summary>The weights and gradients every measured step runs on, the same in <c>hypergen bench</c> and in benchmarks/.</summary>
internal static class BenchData
{
    private const int WeightSeed = 11;
    private const int GradientSeed = 12;
    private const double WeightScale = 0.1;

    /// <summary>See <see cref="Gradients{T}"/>.</summary>
    private const double GradientSum = 1;

    /// <summary>Weights drawn from [-0.1, 0.1), reproducibly.</summary>
    public static T[] Weights<T>(int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => BenchBuffers.Random<T>(n, WeightSeed, WeightScale);

    /// <summary>
    /// Gradients drawn from [-1 / N, 1 / N), reproducibly; the bench reuses them at every step. The cost of a step
    /// does not depend on the values (the kernels have no data-dependent branches) as long as they stay normal
    /// numbers, and this scale keeps them so over the bench's runs: level 1's hypergradient, a sum over N terms of
    /// about |g| each (Adam) or less, stays below 1, so those of the levels above, products of it, shrink instead
    /// of overflowing, and the hyperparameters barely move.
    /// </summary>
    public static T[] Gradients<T>(int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => BenchBuffers.Random<T>(n, GradientSeed, GradientSum / n);
}
