using System;
using System.Linq;
using System.Runtime.CompilerServices;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Runtime;

/// <summary>
/// Writing level 1's write-only buffers past the cache (non-temporal stores, for buffers larger than the caches)
/// changes where the bytes travel, never what they are; and the buffers those stores need aligned are aligned.
/// </summary>
public sealed class StreamingStoreTests
{
    [Theory]
    [InlineData("adam(alpha=1e-2)/adam(alpha=1e-5)/sgd(alpha=1e-7)")] // recomputed partials: kept state, gradient copy
    [InlineData("adagrad(alpha=1e-2)/sgd(alpha=1e-6)")] // stored partials
    [InlineData("rmsprop(alpha=1e-2)/sgd(alpha=1e-6)")]
    public void Streaming_and_ordinary_stores_train_bit_for_bit_the_same(string spec)
    {
        // Odd tensor sizes: the tower pads each tensor's state to a cache line, and the last chunk of each tensor
        // ends mid-vector, so the scalar tails and the padding are exercised too.
        int[] sizes = [40_001, 7, 16_411, 64];
        int total = sizes.Sum();
        var streaming = new Tower<float>(TowerSpec.Parse(spec), sizes) { StreamingThresholdBytes = 0 };
        var ordinary = new Tower<float>(TowerSpec.Parse(spec), sizes) { StreamingThresholdBytes = long.MaxValue };
        float[] w1 = Enumerable.Range(0, total).Select(i => MathF.Sin(i * 0.003f)).ToArray();
        float[] w2 = (float[])w1.Clone();

        for (int step = 0; step < 6; step++)
        {
            float[] g1 = w1.Select((x, i) => x - MathF.Cos(i + step)).ToArray();
            float[] g2 = w2.Select((x, i) => x - MathF.Cos(i + step)).ToArray();
            streaming.Step(Split(w1, sizes), ReadOnly(Split(g1, sizes)));
            ordinary.Step(Split(w2, sizes), ReadOnly(Split(g2, sizes)));
        }

        Assert.Equal(w2, w1);
        for (int level = 0; level < ordinary.Depth; level++)
        {
            LevelState<float> expected = ordinary.GetLevelState(level);
            LevelState<float> actual = streaming.GetLevelState(level);
            Assert.Equal(expected.Raw, actual.Raw);
            Assert.True(expected.State.SequenceEqual(actual.State), $"level {level + 1}: state differs");
            Assert.True(expected.Partials.SequenceEqual(actual.Partials), $"level {level + 1}: partials differ");
            Assert.True(expected.PreviousState.SequenceEqual(actual.PreviousState), $"level {level + 1}: kept state differs");
            Assert.True(expected.PreviousGradients.SequenceEqual(actual.PreviousGradients), $"level {level + 1}: kept gradients differ");
        }

        Assert.NotEqual(streaming.Spec.Levels[0].InitialValues[0], streaming.Levels[0].GetValue(0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(40_001)]
    public unsafe void Every_state_variable_and_partial_starts_on_a_cache_line(int count)
    {
        var recomputing = new LevelState<float>(TowerSpec.Parse("adam").Levels[0], count, learnedByLevelAbove: true, mayRecompute: true);
        var storing = new LevelState<double>(TowerSpec.Parse("adagrad").Levels[0], count, learnedByLevelAbove: true, mayRecompute: false);
        Assert.True(recomputing.RecomputesPartials);
        Assert.Equal(2, recomputing.StateCount);
        Assert.True(recomputing.Stride >= count);

        for (int k = 0; k < recomputing.StateCount; k++)
        {
            AssertAligned(ref recomputing.StateVariable(k)[0]);
            AssertAligned(ref recomputing.PreviousStateVariable(k)[0]);
        }

        AssertAligned(ref recomputing.PreviousGradients[0]);
        for (int j = 0; j < storing.PartialCount; j++)
        {
            AssertAligned(ref storing.Partial(j)[0]);
        }

        // The padding is not part of any variable: initial values fill each variable, and only it.
        Assert.All(recomputing.StateVariable(1).ToArray(), v => Assert.Equal(1e-8f, v));
    }

    [Fact]
    public void Every_tensor_of_a_multi_tensor_tower_starts_on_a_cache_line_and_the_parameters_keep_their_numbering()
    {
        int[] sizes = [40_001, 7, 16_411, 64];
        var tower = new Tower<float>(TowerSpec.Parse("adam/sgd"), sizes);
        LevelState<float> bottom = tower.GetLevelState(0);
        Assert.Equal(sizes.Sum(), tower.ParameterCount);

        // Tensor t's state starts at the padded offset; its first element sits on a 64-byte boundary.
        int offset = 0;
        foreach (int size in sizes)
        {
            AssertAligned(ref bottom.StateRef(offset));
            AssertAligned(ref bottom.PreviousGradientRef(offset));
            offset += (size + 15) / 16 * 16;
        }

        // A NaN is reported at its place in the user's numbering, which has no gaps.
        float[][] weights = sizes.Select(size => new float[size]).ToArray();
        float[][] gradients = sizes.Select(size => new float[size]).ToArray();
        gradients[2][5] = float.NaN;
        NonFiniteStepException error = Assert.Throws<NonFiniteStepException>(() => tower.Step(
            weights.Select(w => (Memory<float>)w).ToArray(), gradients.Select(g => (ReadOnlyMemory<float>)g).ToArray()));
        Assert.Equal(40_001 + 7 + 5, error.ParameterIndex);
        Assert.Contains("tensor 2, element 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)] // 4 bytes past a 64-byte boundary: the store falls back to an ordinary one
    [InlineData(8)]
    public void A_streaming_store_writes_the_values_at_any_address(int start)
    {
        var buffer = new AlignedBuffer<float>(64);
        Span<float> values = buffer.Span;
        var wide = System.Runtime.Intrinsics.Vector512.Create(3.5f);
        var sized = new System.Numerics.Vector<float>(-1.25f);

        VectorStores.Store(wide, ref values[start], 0, streaming: true);
        VectorStores.Store(sized, ref values[start], 16, streaming: true);
        VectorStores.EndStreaming();

        Assert.All(values.Slice(start, 16).ToArray(), v => Assert.Equal(3.5f, v));
        Assert.All(values.Slice(start + 16, System.Numerics.Vector<float>.Count).ToArray(), v => Assert.Equal(-1.25f, v));
        Assert.All(values[..start].ToArray(), v => Assert.Equal(0f, v));
    }

    private static unsafe void AssertAligned<T>(ref T first)
        where T : unmanaged =>
        Assert.Equal(0u, (nuint)Unsafe.AsPointer(ref first) % AlignedBuffer<T>.Alignment);

    private static Memory<float>[] Split(float[] values, int[] sizes)
    {
        var parts = new Memory<float>[sizes.Length];
        int offset = 0;
        for (int t = 0; t < sizes.Length; t++)
        {
            parts[t] = values.AsMemory(offset, sizes[t]);
            offset += sizes[t];
        }

        return parts;
    }

    private static ReadOnlyMemory<float>[] ReadOnly(Memory<float>[] parts) =>
        parts.Select(part => (ReadOnlyMemory<float>)part).ToArray();
}
