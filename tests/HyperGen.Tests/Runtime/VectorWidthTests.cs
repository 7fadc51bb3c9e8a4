using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>
/// The generated kernels run a <c>Vector512</c> loop (where the machine has one), a <c>Vector&lt;T&gt;</c> loop and a
/// scalar loop over the same body. Cutting a range into short chunks forces the narrower loops, so comparing each
/// built-in's results over one chunk and over short chunks checks the loops against each other: the updates bit
/// for bit, the reductions (whose lanes add in another order) to rounding.
/// </summary>
public sealed class VectorWidthTests
{
    private const int Count = 203;

    public static TheoryData<string> BuiltIns() => [.. OptimizerCatalog.BuiltIn.Names];

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void Every_loop_width_updates_bit_for_bit_alike(string optimizer)
    {
        UpdatesAlike<float>(optimizer);
        UpdatesAlike<double>(optimizer);
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void Every_loop_width_recomputes_the_same_hypergradient(string optimizer)
    {
        ReductionsAlike<float>(optimizer, tolerance: 1e-5);
        ReductionsAlike<double>(optimizer, tolerance: 1e-13);
    }

    private static void UpdatesAlike<T>(string optimizer)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var level = new LevelState<T>(TowerSpec.Parse(optimizer).Levels[0], Count, learnedByLevelAbove: true, mayRecompute: false);
        Buffers<T> whole = Buffers<T>.Create(level);
        Buffers<T> vectorWide = Buffers<T>.Create(level);
        Buffers<T> scalar = Buffers<T>.Create(level);

        // One chunk: the widest loop takes all it can. Chunks shorter than a Vector512 but at least a Vector<T>: no
        // Vector512 loop. Chunks of one element: the scalar loop only.
        whole.Step(level, chunkLength: Count);
        vectorWide.Step(level, chunkLength: Math.Max(Vector<T>.Count, (64 / Unsafe.SizeOf<T>()) - 1));
        scalar.Step(level, chunkLength: 1);

        foreach (Buffers<T> other in new[] { vectorWide, scalar })
        {
            Assert.Equal(whole.Weights, other.Weights);
            Assert.Equal(whole.State, other.State);
            Assert.Equal(whole.Partials, other.Partials);
        }

        Assert.NotEqual(Buffers<T>.Create(level).Weights, whole.Weights);
    }

    private static void ReductionsAlike<T>(string optimizer, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var level = new LevelState<T>(TowerSpec.Parse(optimizer).Levels[0], Count, learnedByLevelAbove: true, mayRecompute: true);
        if (level.RecomputingKernel is null)
        {
            return;
        }

        Buffers<T> buffers = Buffers<T>.Create(level);
        double[] whole = buffers.Reduce(level, chunkLength: Count);
        foreach (int chunkLength in new[] { Math.Max(Vector<T>.Count, (64 / Unsafe.SizeOf<T>()) - 1), 1 })
        {
            double[] pieces = buffers.Reduce(level, chunkLength);
            for (int j = 0; j < whole.Length; j++)
            {
                Assert.True(
                    Math.Abs(whole[j] - pieces[j]) <= tolerance * Math.Max(1e-30, Math.Abs(whole[j])),
                    $"{optimizer} ({typeof(T).Name}), hyperparameter {j}, chunks of {chunkLength}: {pieces[j]} against {whole[j]}");
            }
        }

        Assert.Contains(whole, sum => sum != 0);
    }

    /// <summary>A range of weights with gradients, state and partials, laid out as a tower lays out level 1.</summary>
    private sealed class Buffers<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public required T[] Weights { get; init; }

        public required T[] Gradients { get; init; }

        public required T[] NextGradients { get; init; }

        public required T[] State { get; init; }

        public required T[] Partials { get; init; }

        public static Buffers<T> Create(LevelState<T> level) => new()
        {
            Weights = Values(Count, i => Math.Sin(i * 0.37)),
            Gradients = Values(Count, i => Math.Cos(i * 0.53) - 0.2),
            NextGradients = Values(Count, i => Math.Sin((i * 0.71) + 1)),

            // Positive state: the second moments under square roots are never negative.
            State = Values(Math.Max(1, level.StateCount) * Count, i => 0.01 + (0.5 * (1 + Math.Sin(i * 0.29)))),
            Partials = new T[Math.Max(1, level.HyperCount) * Count],
        };

        public void Step(LevelState<T> level, int chunkLength)
        {
            for (int start = 0; start < Count; start += chunkLength)
            {
                var chunk = new LevelChunk<T>(
                    ref Weights[start], in Gradients[start], ref State[start], Count, ref Partials[start], Count,
                    Math.Min(chunkLength, Count - start));
                level.Kernel.Step(in chunk, level.Raw, stepIndex: 3);
            }
        }

        public double[] Reduce(LevelState<T> level, int chunkLength)
        {
            double[] sums = new double[level.HyperCount];
            for (int start = 0; start < Count; start += chunkLength)
            {
                var chunk = new HypergradientChunk<T>(
                    in NextGradients[start], in Gradients[start], in State[start], Count, Math.Min(chunkLength, Count - start));
                level.RecomputingKernel!.AccumulateHypergradients(in chunk, level.Raw, previousStepIndex: 3, sums);
            }

            return sums;
        }

        private static T[] Values(int length, Func<int, double> value) =>
            Enumerable.Range(0, length).Select(i => T.CreateTruncating(value(i))).ToArray();
    }
}
