using System;
using System.Linq;
using HyperGen.Kernels;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// A GPU tower's refusal of steps that meet a NaN or an infinity, on ILGPU's CPU accelerator: the refused step and
/// every step after it change nothing (weights, state, hyperparameters), <see cref="GpuTower{T}.TakeRefusal"/> says
/// what and where, and after it the tower continues bit for bit as a tower that never saw the refused steps.
/// </summary>
public sealed class GpuTowerRefusalTests : IClassFixture<CpuAcceleratorFixture>
{
    /// <summary>More weights than the CPU accelerator's 1024 threads, so the scans' grid stride is covered.</summary>
    private const int Count = 3001;

    private readonly Accelerator _accelerator;

    public GpuTowerRefusalTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    // Step sizes above level 1 that keep these gradients' hypergradients finite (with 1e-5 instead, the CPU tower
    // itself refuses step 5: beta2's hypergradient overflows).
    [Theory]
    [InlineData("adam(alpha=1e-2)", 3, 1)]                          // Depth 1: the gradient scan
    [InlineData("adam(alpha=1e-2)", 3, 2)]
    [InlineData("adam(alpha=1e-2)/sgd(alpha=1e-9)/sgd(alpha=1e-10)", 1, 2)]  // the first step: the scan, no sum yet
    [InlineData("adam(alpha=1e-2)/sgd(alpha=1e-9)/sgd(alpha=1e-10)", 3, 1)]  // later: the sum, then which gradient
    [InlineData("adam(alpha=1e-2)/sgd(alpha=1e-9)/sgd(alpha=1e-10)", 3, 2)]  // an even number of refused steps too
    [InlineData("sgd(alpha=0.05, mu=0.9)/adam(alpha=1e-4)", 2, 3)]
    public void A_non_finite_gradient_refuses_the_step_and_what_follows_and_the_tower_resumes_exactly(string spec, int badStep, int refusedSteps)
    {
        float[][] gradients = Enumerable.Range(1, badStep + 2).Select(Gradients).ToArray();
        float[] bad = Gradients(badStep);
        bad[2345] = float.NaN;
        bad[1500] = float.PositiveInfinity;
        bad[2900] = float.NaN;

        using var run = new DeviceTowerRun(_accelerator, spec, Count);
        for (int step = 1; step < badStep; step++)
        {
            run.Step(gradients[step - 1]);
        }

        float[] weightsBefore = run.Weights();
        double[][] hypersBefore = run.Hyperparameters();
        run.Step(bad);
        for (int extra = 1; extra < refusedSteps; extra++)
        {
            run.Step(gradients[badStep - 1]);
        }

        Assert.Equal(weightsBefore, run.Weights());
        Assert.Equal(hypersBefore, run.Hyperparameters());
        GpuStepRefusal refusal = Assert.IsType<GpuStepRefusal>(run.Tower.TakeRefusal());
        Assert.Equal(badStep, refusal.Step);
        Assert.Equal(refusedSteps, refusal.RefusedSteps);
        Assert.Equal(NonFiniteQuantity.Gradient, refusal.Quantity);
        Assert.Equal(1500, refusal.ParameterIndex);
        Assert.Equal(1, refusal.Level);
        Assert.StartsWith("Gradient 1500 is not finite: step", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(badStep - 1, run.Tower.StepCount);
        Assert.Null(run.Tower.TakeRefusal());

        // Re-armed: the next steps are those of a tower that never saw the refused ones, bit for bit.
        using var reference = new DeviceTowerRun(_accelerator, spec, Count);
        for (int step = 1; step < badStep; step++)
        {
            reference.Step(gradients[step - 1]);
        }

        for (int step = badStep; step <= badStep + 2; step++)
        {
            run.Step(gradients[step - 1]);
            reference.Step(gradients[step - 1]);
        }

        Assert.Equal(reference.Weights(), run.Weights());
        Assert.Equal(reference.Hyperparameters(), run.Hyperparameters());
        Assert.Equal(badStep + 2, run.Tower.StepCount);
        Assert.Null(run.Tower.TakeRefusal());
    }

    [Fact]
    public void A_hypergradient_that_overflows_from_finite_gradients_is_refused_as_a_hypergradient()
    {
        // SGD's partial is -g: level 1's hypergradient is -sum g_t g_(t-1) = -3001e38, past float's range.
        using var run = new DeviceTowerRun(_accelerator, "sgd(alpha=1e-30)/sgd(alpha=1e-5)", Count);
        float[] huge = Enumerable.Repeat(1e19f, Count).ToArray();
        run.Step(huge);
        float[] weightsBefore = run.Weights();
        run.Step(huge);

        GpuStepRefusal refusal = Assert.IsType<GpuStepRefusal>(run.Tower.TakeRefusal());
        Assert.Equal(2, refusal.Step);
        Assert.Equal(NonFiniteQuantity.Hypergradient, refusal.Quantity);
        Assert.Equal(1, refusal.Level);
        Assert.Equal("alpha", refusal.HyperParameter);
        Assert.Null(refusal.ParameterIndex);
        Assert.Contains("although every gradient is", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(weightsBefore, run.Weights());
    }

    [Fact]
    public void An_upper_level_that_writes_an_infinity_is_refused_and_its_values_are_put_back()
    {
        // Level 2's step size is near float's largest: its update of alpha overflows.
        using var run = new DeviceTowerRun(_accelerator, "sgd(alpha=1e-3)/sgd(alpha=3e38)", Count);
        run.Step(Gradients(1));
        float[] weightsBefore = run.Weights();
        double[][] hypersBefore = run.Hyperparameters();
        run.Step(Gradients(2));

        Assert.Equal(weightsBefore, run.Weights());
        Assert.Equal(hypersBefore, run.Hyperparameters());
        GpuStepRefusal refusal = Assert.IsType<GpuStepRefusal>(run.Tower.TakeRefusal());
        Assert.Equal(NonFiniteQuantity.UpdatedHyperParameter, refusal.Quantity);
        Assert.Equal(1, refusal.Level);
        Assert.Equal("alpha", refusal.HyperParameter);
        Assert.Equal("Level 2's update of level 1's hyperparameter 'alpha' is not finite: step 2 was refused and changed nothing.", refusal.Message);
        NonFiniteStepException exception = refusal.ToException();
        Assert.Equal(NonFiniteQuantity.UpdatedHyperParameter, exception.Quantity);
        Assert.Equal(refusal.Message, exception.Message);
    }

    [Fact]
    public void Without_refusal_a_nan_flows_into_the_weights_as_ieee_arithmetic_makes_it()
    {
        using var run = new DeviceTowerRun(_accelerator, "adam(alpha=1e-2)/sgd(alpha=1e-5)", Count, refuseNonFinite: false);
        float[] bad = Gradients(1);
        bad[7] = float.NaN;
        run.Step(bad);

        Assert.False(run.Tower.RefusesNonFinite);
        Assert.True(float.IsNaN(run.Weights()[7]));
        Assert.Null(run.Tower.TakeRefusal());
    }

    private static float[] Gradients(int step) => DeviceTowerRun.Gradients(Count, step);
}
