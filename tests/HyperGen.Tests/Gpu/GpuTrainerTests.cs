using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Kernels;
using HyperGen.Training;
using HyperGen.Training.Data;
using HyperGen.Training.Gpu;
using HyperGen.Training.Model;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// A few steps of the GPU trainer (ILGPU's CPU accelerator) against the CPU <see cref="Trainer"/> on the same data,
/// seed and tower: every step's loss, every level's hyperparameters after every step, the final weights and the
/// test evaluation.
/// </summary>
/// <remarks>
/// Tolerance |gpu - cpu| &lt;= 1e-6 + 1e-4 |cpu|, as for one gradient (<see cref="GpuMlpTests"/>): the two runs
/// differ by rounding only, and over three steps the tower's hypergradient feedback does not amplify that by more
/// than a small factor. The test also requires level 1's step size to have moved by far more than the tolerance,
/// so two runs that learned nothing cannot agree.
/// </remarks>
public sealed class GpuTrainerTests : IClassFixture<CpuAcceleratorFixture>
{
    private const double Absolute = 1e-6;
    private const double Relative = 1e-4;
    private readonly Accelerator _accelerator;

    public GpuTrainerTests(CpuAcceleratorFixture fixture) => _accelerator = fixture.Device.Accelerator;

    [Fact]
    public void Adam_sgd_steps_agree_with_the_cpu_trainer()
    {
        const string towerSpec = "adam(alpha=1e-3)/sgd(alpha=1e-5)";
        // 40 images in batches of 16: two full steps and a remainder of 8, as an epoch's last batch.
        FashionMnistDataset data = TinyFashionMnist.Load(train: 40, test: 20);
        var options = new TrainingOptions { Epochs = 1, Seed = 7, BatchSize = 16, ThreadCount = 1 };
        TowerSpec spec = TowerSpec.Parse(towerSpec);

        var cpuSteps = new List<(float Loss, double[] Hypers)>();
        using var cpu = new Trainer(data, options);
        var cpuTower = new Tower<float>(spec, cpu.Model.Parameters.Length);
        TrainingResult cpuResult = cpu.Train(
            new TowerAdapter(cpuTower),
            onStep: step => cpuSteps.Add((step.Loss, Values(cpuTower))));

        var gpuSteps = new List<(StepReport Step, double[] Hypers)>();
        using var gpu = new GpuTrainer(_accelerator, data, options, stepsPerReadback: 2);
        using var gpuTower = new GpuTower<float>(_accelerator, spec, MlpShape.Paper.ParameterCount);
        TrainingResult gpuResult = gpu.Train(gpuTower, onStep: (step, values) => gpuSteps.Add((step, Values(values))));

        Assert.Equal(3, cpuSteps.Count);
        Assert.Equal(cpuSteps.Count, gpuSteps.Count);
        for (int s = 0; s < cpuSteps.Count; s++)
        {
            Assert.Equal(s + 1, gpuSteps[s].Step.Step);
            Assert.Equal(s < 2 ? 16 : 8, gpuSteps[s].Step.BatchSize);
            AssertClose(cpuSteps[s].Loss, gpuSteps[s].Step.Loss, $"loss of step {s + 1}");
            for (int j = 0; j < cpuSteps[s].Hypers.Length; j++)
            {
                AssertClose(cpuSteps[s].Hypers[j], gpuSteps[s].Hypers[j], $"hyperparameter {j} after step {s + 1}");
            }
        }

        double initialAlpha = spec.Levels[0].InitialValues[0];
        Assert.True(Math.Abs(cpuSteps[^1].Hypers[0] - initialAlpha) > 100 * (Absolute + (Relative * initialAlpha)), "level 1's alpha did not move");

        float[] weights = new float[MlpShape.Paper.ParameterCount];
        gpu.Model.ReadParameters(weights);
        for (int i = 0; i < weights.Length; i++)
        {
            AssertClose(cpu.Model.Parameters[i], weights[i], $"weight {i}");
        }

        AssertClose(cpuResult.Epochs[0].TestLoss, gpuResult.Epochs[0].TestLoss, "test loss");
        Assert.Equal(cpuResult.Epochs[0].TestErrorPercent, gpuResult.Epochs[0].TestErrorPercent);
        AssertClose(cpuResult.Epochs[0].TrainLoss, gpuResult.Epochs[0].TrainLoss, "train loss");
    }

    [Fact]
    public void A_refused_step_stops_the_run_with_the_last_good_weights_as_on_the_cpu()
    {
        // Level 1's hypergradient at step 2 of this run is about -1.07 (measured with level 2's alpha at 1): with
        // level 2's alpha at 3.3e38 the new alpha passes float's largest value, 3.4e38. Both towers refuse that step,
        // and both trainers stop there. The GPU trainer enqueued step 3 before it read its log; the tower refused it too.
        const string towerSpec = "sgd(alpha=1e-3)/sgd(alpha=3.3e38)";
        FashionMnistDataset data = TinyFashionMnist.Load(train: 40, test: 20);
        var options = new TrainingOptions { Epochs = 1, Seed = 3, BatchSize = 16, ThreadCount = 1 };
        TowerSpec spec = TowerSpec.Parse(towerSpec);

        using var cpu = new Trainer(data, options);
        var cpuTower = new Tower<float>(spec, cpu.Model.Parameters.Length);
        TrainingResult cpuResult = cpu.Train(new RefusingAdapter(cpuTower));

        var gpuSteps = new List<StepReport>();
        using var gpu = new GpuTrainer(_accelerator, data, options, stepsPerReadback: 3);
        using var gpuTower = new GpuTower<float>(_accelerator, spec, MlpShape.Paper.ParameterCount);
        TrainingResult gpuResult = gpu.Train(gpuTower, onStep: (step, _) => gpuSteps.Add(step));

        Assert.True(cpuResult.Diverged);
        Assert.True(gpuResult.Diverged);
        Assert.Equal(2, cpuResult.Epochs[0].Steps);
        Assert.Equal(2, gpuResult.Epochs[0].Steps);
        Assert.Equal(2, gpuSteps.Count);
        Assert.True(float.IsFinite(gpuSteps[1].Loss), "the refused step's loss was finite: the tower, not the loss, stopped the run");
        Assert.Equal(1, gpuTower.StepCount);
        Assert.Equal(NonFiniteQuantity.UpdatedHyperParameter, gpu.Refusal?.Quantity);
        Assert.Equal(2, gpu.Refusal?.Step);
        Assert.Equal(2, gpu.Refusal?.RefusedSteps);
        Assert.Equal(1e-3, gpuTower.ReadHyperparameters(0)[0], 9);

        float[] weights = new float[MlpShape.Paper.ParameterCount];
        gpu.Model.ReadParameters(weights);
        for (int i = 0; i < weights.Length; i++)
        {
            Assert.True(float.IsFinite(weights[i]), $"weight {i} is {weights[i]}");
            AssertClose(cpu.Model.Parameters[i], weights[i], $"weight {i}");
        }

        AssertClose(cpuResult.Epochs[0].TestLoss, gpuResult.Epochs[0].TestLoss, "test loss of the last good weights");
    }

    [Fact]
    public void A_run_resumed_from_a_state_taken_between_blocks_ends_bit_for_bit_as_the_run_that_went_on()
    {
        // 40 images in batches of 8: 5 steps an epoch, read back in blocks of 2; the state is taken after step 2.
        const string towerSpec = "adam(alpha=1e-3)/sgd(alpha=1e-5)";
        FashionMnistDataset data = TinyFashionMnist.Load(train: 40, test: 20);
        var options = new TrainingOptions { Epochs = 2, Seed = 5, BatchSize = 8 };
        TowerSpec spec = TowerSpec.Parse(towerSpec);

        using var whole = new GpuTrainer(_accelerator, data, options, stepsPerReadback: 2);
        using var wholeTower = new GpuTower<float>(_accelerator, spec, MlpShape.Paper.ParameterCount);
        TrainingResult wholeResult = whole.Train(wholeTower);

        // The first run stops right after its first block: its state then is everything a resumed run needs.
        TrainerState? state = null;
        float[] weights = new float[MlpShape.Paper.ParameterCount];
        var towerState = new Tower<float>(spec, MlpShape.Paper.ParameterCount);
        using var stop = new System.Threading.CancellationTokenSource();
        using (var first = new GpuTrainer(_accelerator, data, options, stepsPerReadback: 2))
        using (var firstTower = new GpuTower<float>(_accelerator, spec, MlpShape.Paper.ParameterCount))
        {
            Assert.Throws<OperationCanceledException>(() => first.Train(firstTower, cancellationToken: stop.Token, onBlock: () =>
            {
                state = first.CaptureState();
                first.Model.ReadParameters(weights);
                firstTower.CopyStateTo(towerState);
                stop.Cancel();
            }));
        }

        Assert.NotNull(state);
        Assert.Equal(2, state.Step);
        Assert.Equal(2, state.BatchesDone);
        using var resumed = new GpuTrainer(_accelerator, data, options, stepsPerReadback: 2);
        using var resumedTower = new GpuTower<float>(_accelerator, spec, MlpShape.Paper.ParameterCount);
        resumed.RestoreState(state);
        resumed.Model.SetParameters(weights);
        resumedTower.CopyStateFrom(towerState);
        TrainingResult resumedResult = resumed.Train(resumedTower);

        float[] wholeWeights = new float[weights.Length];
        float[] resumedWeights = new float[weights.Length];
        whole.Model.ReadParameters(wholeWeights);
        resumed.Model.ReadParameters(resumedWeights);
        Assert.Equal(wholeWeights, resumedWeights);
        Assert.Equal(wholeTower.ReadRawHyperparameters(0), resumedTower.ReadRawHyperparameters(0));
        Assert.Equal(10, resumedTower.StepCount);
        Assert.Equal(wholeResult.Epochs.Select(e => (e.Epoch, e.Steps, e.TrainLoss, e.TestLoss)), resumedResult.Epochs.Select(e => (e.Epoch, e.Steps, e.TrainLoss, e.TestLoss)));
    }

    private static double[] Values(Tower<float> tower)
    {
        var values = new List<double>();
        foreach (TowerLevel level in tower.Levels)
        {
            for (int j = 0; j < level.Definition.HyperParameters.Count; j++)
            {
                values.Add(level.GetValue(j));
            }
        }

        return values.ToArray();
    }

    private static double[] Values(TowerHyperparameters snapshot)
    {
        var values = new List<double>();
        for (int level = 1; level <= snapshot.Spec.Depth; level++)
        {
            for (int j = 0; j < snapshot.Spec.Levels[level - 1].Definition.HyperParameters.Count; j++)
            {
                values.Add(snapshot.GetValue(level, j));
            }
        }

        return values.ToArray();
    }

    private static void AssertClose(double expected, double actual, string what)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(error <= Absolute + (Relative * Math.Abs(expected)), $"{what}: gpu {actual:R}, cpu {expected:R}, error {error:G3}");
    }

    /// <summary>A CPU tower as the trainer's optimizer, returning false for a step it refuses (as the CLI's adapter does).</summary>
    private sealed class RefusingAdapter(Tower<float> tower) : IParameterOptimizer
    {
        public bool Step(Span<float> weights, ReadOnlySpan<float> gradients)
        {
            try
            {
                tower.Step(weights, gradients);
                return true;
            }
            catch (NonFiniteStepException)
            {
                return false;
            }
        }
    }

    private sealed class TowerAdapter(Tower<float> tower) : IParameterOptimizer
    {
        public bool Step(Span<float> weights, ReadOnlySpan<float> gradients)
        {
            tower.Step(weights, gradients);
            return true;
        }
    }
}
