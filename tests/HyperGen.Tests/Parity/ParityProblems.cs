using System;
using System.IO;
using System.Text.Json;
using HyperGen.Tests.Reference;

namespace HyperGen.Tests.Parity;

/// <summary>
/// Deterministic stochastic quadratic problems for the parity tests:
/// <c>f_t(w) = sum_i a_i/2 (w_i - b_i)^2 + n_t,i w_i</c> with a_i uniform in [0.5, 3], b_i and w0_i standard
/// normal, and a few noise rows of standard deviation <see cref="NoiseScale"/> (row (t-1) mod rows at step t), so
/// the gradients change from step to step as minibatch gradients do.
/// </summary>
/// <remarks>
/// The random numbers come from a hand-written SplitMix64, not <see cref="Random"/>, so that a seed gives the same
/// problem on every runtime and the failing cases written in reports stay reproducible.
/// </remarks>
internal static class ParityProblems
{
    public const double NoiseScale = 0.1;

    public static QuadraticProblem Create(ulong seed, int dimension = 12, int noiseRows = 7, int steps = 60)
    {
        var rng = new SplitMix64(seed);
        var a = new double[dimension];
        var b = new double[dimension];
        var w0 = new double[dimension];
        for (int i = 0; i < dimension; i++)
        {
            a[i] = 0.5 + (2.5 * rng.NextDouble());
            b[i] = rng.NextGaussian();
            w0[i] = rng.NextGaussian();
        }

        var noise = new double[noiseRows][];
        for (int r = 0; r < noiseRows; r++)
        {
            noise[r] = new double[dimension];
            for (int i = 0; i < dimension; i++)
            {
                noise[r][i] = NoiseScale * rng.NextGaussian();
            }
        }

        return new QuadraticProblem(a, b, w0, noise, steps);
    }

    /// <summary>
    /// Writes the problem in the format of <c>hypergen trace --problem</c>. Utf8JsonWriter writes doubles in their
    /// shortest round-trip form, so the CLI reads back bit-for-bit the numbers the reference uses.
    /// </summary>
    public static void WriteJson(QuadraticProblem problem, string path)
    {
        ArgumentNullException.ThrowIfNull(problem);
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        WriteArray(writer, "a", problem.A);
        WriteArray(writer, "b", problem.B);
        WriteArray(writer, "w0", problem.W0);
        if (problem.Noise is { Length: > 0 } rows)
        {
            writer.WriteStartArray("noise");
            foreach (double[] row in rows)
            {
                writer.WriteStartArray();
                foreach (double x in row)
                {
                    writer.WriteNumberValue(x);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("steps", problem.Steps);
        writer.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, double[] values)
    {
        writer.WriteStartArray(name);
        foreach (double x in values)
        {
            writer.WriteNumberValue(x);
        }

        writer.WriteEndArray();
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and fully specified.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Standard normal by Box-Muller (one of the pair; simplicity over speed).</summary>
        public double NextGaussian()
        {
            double u1 = 1.0 - NextDouble(); // in (0, 1], so the log is finite
            double u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}
