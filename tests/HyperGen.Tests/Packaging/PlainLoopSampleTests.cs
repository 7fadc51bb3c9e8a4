using System;
using PlainLoop;
using Xunit;

namespace HyperGen.Tests.Packaging;

/// <summary>
/// The interop sample: a hand-written training loop whose parameters live in a managed array, in native memory, or
/// in two tensors of both kinds, stepped in place by the same tower.
/// </summary>
public sealed class PlainLoopSampleTests
{
    private const int Steps = 300;

    private static readonly LogisticRegression Model =
        new(ClassificationData.Generate(featureCount: 16, sampleCount: 1024, seed: 11));

    [Fact]
    public void Tower_over_a_managed_array_trains_the_model_and_tunes_alpha() =>
        AssertTrained(PlainLoopTraining.OverArray(Model, Steps));

    [Fact]
    public void Tower_over_native_memory_trains_the_model_and_tunes_alpha() =>
        AssertTrained(PlainLoopTraining.OverNativeMemory(Model, Steps));

    [Fact]
    public void Tower_over_several_tensors_trains_the_model_and_tunes_alpha() =>
        AssertTrained(PlainLoopTraining.OverSeveralTensors(Model, Steps));

    [Fact]
    public void Native_memory_and_a_managed_array_give_the_same_parameters_bit_for_bit()
    {
        TrainingOutcome array = PlainLoopTraining.OverArray(Model, Steps);
        TrainingOutcome native = PlainLoopTraining.OverNativeMemory(Model, Steps);

        Assert.Equal(array.Parameters, native.Parameters);
        Assert.Equal(array.Alpha, native.Alpha);
    }

    [Fact]
    public void Two_tensors_as_one_parameter_set_train_like_one_flat_buffer()
    {
        TrainingOutcome flat = PlainLoopTraining.OverArray(Model, Steps);
        TrainingOutcome split = PlainLoopTraining.OverSeveralTensors(Model, Steps);

        // The hypergradient is one sum over both tensors either way; only the order of the float additions differs.
        Assert.Equal(flat.Parameters.Length, split.Parameters.Length);
        for (int i = 0; i < flat.Parameters.Length; i++)
        {
            Assert.True(
                Math.Abs(flat.Parameters[i] - split.Parameters[i]) <= 1e-4 * (1 + Math.Abs(flat.Parameters[i])),
                $"Parameter {i}: {flat.Parameters[i]} flat, {split.Parameters[i]} split.");
        }

        Assert.Equal(flat.Alpha, split.Alpha, 1e-6);
    }

    [Fact]
    public void Native_buffer_refuses_use_after_dispose()
    {
        var buffer = new NativeBuffer(4);
        ((IDisposable)buffer).Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan());
    }

    private static void AssertTrained(TrainingOutcome outcome)
    {
        Assert.Equal(MathF.Log(2), outcome.InitialLoss, 1e-5f);
        Assert.True(outcome.FinalLoss < 0.35f, $"{outcome.Memory}: the loss only fell to {outcome.FinalLoss}.");
        Assert.True(outcome.Accuracy > 0.9f, $"{outcome.Memory}: accuracy {outcome.Accuracy}.");

        // SGD at level 2 moved Adam's alpha away from its initial 0.01.
        Assert.True(Math.Abs(outcome.Alpha - 0.01) > 1e-3, $"{outcome.Memory}: alpha stayed at {outcome.Alpha}.");
    }
}
