using System;
using System.IO;
using System.Linq;
using HyperGen.Checkpoints;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace HyperGen.Tests.Gpu;

/// <summary>
/// A GPU tower's running state moved to a CPU tower and back (ILGPU's CPU accelerator): through a checkpoint file,
/// a GPU run resumes on a fresh GPU tower bit for bit, and a CPU tower given the GPU's state continues the run as the
/// CPU tower that ran it all along does, to rounding.
/// </summary>
public sealed class GpuTowerStateTests : IClassFixture<CpuAcceleratorFixture>, IDisposable
{
    private const int Count = 3001;
    private readonly Accelerator _accelerator;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hypergen-gpu-state-" + Guid.NewGuid().ToString("N"));

    public GpuTowerStateTests(CpuAcceleratorFixture fixture)
    {
        _accelerator = fixture.Device.Accelerator;
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Depth 1; level 1 recomputing its partials (Adam, SGD with momentum); bounds that are hit.</summary>
    public static TheoryData<string> Towers =>
    [
        "adam(alpha=1e-2)",
        "adam(alpha=1e-2)/sgd(alpha=1e-9)/sgd(alpha=1e-10)",
        "sgd(alpha=0.05, mu=0.9, alpha in [0.0499, 0.0501])/adam(alpha=1e-4)",
        "adagrad(alpha=0.05)",
    ];

    [Theory]
    [MemberData(nameof(Towers))]
    public void A_gpu_run_checkpointed_through_a_cpu_tower_resumes_on_a_fresh_gpu_tower_bit_for_bit(string spec)
    {
        using var original = new DeviceTowerRun(_accelerator, spec, Count);
        for (int step = 1; step <= 4; step++)
        {
            original.Step(Gradients(step));
        }

        // Save as a CPU checkpoint, load it into another CPU tower, give that to a fresh GPU tower.
        string path = Path.Combine(_folder, "run.hgc");
        var saved = new Tower<float>(TowerSpec.Parse(spec), Count);
        original.Tower.CopyStateTo(saved);
        TowerCheckpoint.Save(path, saved, original.Weights());
        var loaded = new Tower<float>(TowerSpec.Parse(spec), Count);
        float[] weights = new float[Count];
        TowerCheckpoint.Load(path, loaded, weights);
        using var resumed = new DeviceTowerRun(_accelerator, spec, Count, weights: weights);
        resumed.Tower.CopyStateFrom(loaded);
        Assert.Equal(4, resumed.Tower.StepCount);

        for (int step = 5; step <= 7; step++)
        {
            original.Step(Gradients(step));
            resumed.Step(Gradients(step));
        }

        Assert.Equal(original.Weights(), resumed.Weights());
        Assert.Equal(original.Hyperparameters(), resumed.Hyperparameters());
        Assert.Equal(
            Enumerable.Range(0, original.Tower.Depth).Select(original.Tower.ReadBoundHits),
            Enumerable.Range(0, resumed.Tower.Depth).Select(resumed.Tower.ReadBoundHits));
    }

    [Theory]
    [MemberData(nameof(Towers))]
    public void A_cpu_tower_given_the_gpu_state_continues_the_run_as_the_cpu_tower_that_ran_it(string spec)
    {
        var cpu = new Tower<float>(TowerSpec.Parse(spec), Count);
        float[] cpuWeights = Enumerable.Repeat(0.5f, Count).ToArray();
        using var gpu = new DeviceTowerRun(_accelerator, spec, Count);
        for (int step = 1; step <= 4; step++)
        {
            cpu.Step(cpuWeights, Gradients(step));
            gpu.Step(Gradients(step));
        }

        var moved = new Tower<float>(TowerSpec.Parse(spec), Count);
        gpu.Tower.CopyStateTo(moved);
        float[] movedWeights = gpu.Weights();
        Assert.Equal(cpu.StepCount, moved.StepCount);
        for (int step = 5; step <= 7; step++)
        {
            cpu.Step(cpuWeights, Gradients(step));
            moved.Step(movedWeights, Gradients(step));
        }

        for (int i = 0; i < Count; i++)
        {
            AssertClose(cpuWeights[i], movedWeights[i], $"weight {i}");
        }

        for (int level = 0; level < cpu.Depth; level++)
        {
            for (int j = 0; j < cpu.Levels[level].Definition.HyperParameters.Count; j++)
            {
                AssertClose(cpu.Levels[level].GetValue(j), moved.Levels[level].GetValue(j), $"level {level + 1} hyperparameter {j}");
                Assert.Equal(cpu.Levels[level].GetBoundHits(j), moved.Levels[level].GetBoundHits(j));
            }
        }
    }

    [Fact]
    public void A_tower_whose_level_1_keeps_its_partials_another_way_is_refused()
    {
        // AdaGrad's partials: the GPU recomputes them, the CPU stores them (fewer bytes each way).
        const string spec = "adagrad(alpha=0.05)/sgd(alpha=1e-6)";
        using var gpu = new DeviceTowerRun(_accelerator, spec, Count);
        var cpu = new Tower<float>(TowerSpec.Parse(spec), Count);

        ArgumentException error = Assert.Throws<ArgumentException>(() => gpu.Tower.CopyStateTo(cpu));
        Assert.Contains("stores level 1's partials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_spec_or_size_is_refused_with_both_shapes()
    {
        using var gpu = new DeviceTowerRun(_accelerator, "adam(alpha=1e-2)/sgd(alpha=1e-9)", Count);

        ArgumentException error = Assert.Throws<ArgumentException>(() => gpu.Tower.CopyStateTo(new Tower<float>(TowerSpec.Parse("adam(alpha=1e-2)"), Count)));
        Assert.Contains("is not this GPU tower's shape", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => gpu.Tower.CopyStateFrom(new Tower<float>(TowerSpec.Parse("adam(alpha=1e-2)/sgd(alpha=1e-9)"), Count + 1)));
    }

    [Fact]
    public void A_refusal_not_taken_stops_the_copy()
    {
        using var gpu = new DeviceTowerRun(_accelerator, "adam(alpha=1e-2)", Count);
        float[] bad = Gradients(1);
        bad[3] = float.NaN;
        gpu.Step(bad);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => gpu.Tower.CopyStateTo(new Tower<float>(TowerSpec.Parse("adam(alpha=1e-2)"), Count)));
        Assert.Contains("TakeRefusal", error.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-7 + (1e-5 * Math.Abs(expected)), $"{what}: moved {actual:R}, cpu {expected:R}");

    private static float[] Gradients(int step) => DeviceTowerRun.Gradients(Count, step);
}
