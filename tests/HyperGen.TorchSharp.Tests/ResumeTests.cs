using System;
using System.IO;
using System.Linq;
using HyperGen.Checkpoints;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>The model's save/load with the optimizer's save_state_dict/load_state_dict resumes a run bit for bit.</summary>
public sealed class ResumeTests : IDisposable
{
    private const string Spec = "adam(alpha=0.01)/adam(alpha=1e-4)/sgd(alpha=1e-6)";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hypergen-torchsharp-tests", Guid.NewGuid().ToString("N"));

    public ResumeTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_run_resumed_from_files_continues_bit_for_bit(bool flatten)
    {
        using Tensor x = Inputs(out Tensor y);
        using (y)
        {
            using var uninterrupted = Model(seed: 1);
            using var straight = new HyperOptimizer(uninterrupted.parameters(), Spec, flatten: flatten);
            Train(uninterrupted, straight, x, y, 10);

            using var first = Model(seed: 1);
            using var before = new HyperOptimizer(first.parameters(), Spec, flatten: flatten);
            Train(first, before, x, y, 4);
            string model = Path.Combine(_folder, "model.bin");
            string state = Path.Combine(_folder, "optimizer.bin");
            first.save(model);
            before.save_state_dict(state);

            using var resumed = Model(seed: 2);   // other initial weights: the load must replace them
            using var after = new HyperOptimizer(resumed.parameters(), Spec, flatten: flatten);
            resumed.load(model);
            after.load_state_dict(state);
            Assert.Equal(4, after.StepCount);
            Train(resumed, after, x, y, 6);

            AssertSameRun(uninterrupted, straight, resumed, after);
        }
    }

    [Fact]
    public void A_state_dictionary_moves_a_run_into_another_optimizer()
    {
        using Tensor x = Inputs(out Tensor y);
        using (y)
        {
            using var uninterrupted = Model(seed: 1);
            using var straight = new HyperOptimizer(uninterrupted.parameters(), Spec);
            Train(uninterrupted, straight, x, y, 9);

            using var first = Model(seed: 1);
            using var before = new HyperOptimizer(first.parameters(), Spec);
            Train(first, before, x, y, 5);
            using var second = Model(seed: 3);
            using var after = new HyperOptimizer(second.parameters(), Spec);
            using (no_grad())
            {
                foreach (var (to, from) in second.parameters().Zip(first.parameters()))
                {
                    to.copy_(from);
                }
            }

            after.load_state_dict(before.state_dict());
            Train(second, after, x, y, 4);
            AssertSameRun(uninterrupted, straight, second, after);
        }
    }

    [Fact]
    public void A_state_saved_for_another_tower_or_layout_is_refused_and_changes_nothing()
    {
        using Tensor x = Inputs(out Tensor y);
        using (y)
        {
            using var model = Model(seed: 1);
            using var source = new HyperOptimizer(model.parameters(), Spec);
            Train(model, source, x, y, 3);
            string state = Path.Combine(_folder, "optimizer.bin");
            source.save_state_dict(state);

            using var other = Model(seed: 1);
            using var otherTower = new HyperOptimizer(other.parameters(), "adam(alpha=0.01)/sgd(alpha=1e-6)");
            Assert.Throws<InvalidDataException>(() => otherTower.load_state_dict(state));
            Assert.Equal(0, otherTower.StepCount);

            using var third = Model(seed: 1);
            using var perTensor = new HyperOptimizer(third.parameters(), Spec, flatten: false);
            Assert.Throws<InvalidDataException>(() => perTensor.load_state_dict(state));
            Assert.Equal(0, perTensor.StepCount);
        }
    }

    [Fact]
    public void A_corrupted_tower_state_is_refused()
    {
        using Tensor x = Inputs(out Tensor y);
        using (y)
        {
            using var model = Model(seed: 1);
            using var source = new HyperOptimizer(model.parameters(), Spec);
            Train(model, source, x, y, 3);
            string state = Path.Combine(_folder, "optimizer.bin");
            source.save_state_dict(state);
            byte[] bytes = File.ReadAllBytes(state);
            int checkpoint = bytes.AsSpan().IndexOf("HGCK"u8);
            Assert.True(checkpoint > 0);
            bytes[checkpoint + 200] ^= 0x5a;   // inside the tower's checkpoint, which carries a CRC-32
            File.WriteAllBytes(state, bytes);

            using var target = new HyperOptimizer(Model(seed: 1).parameters(), Spec);
            Assert.Throws<CheckpointException>(() => target.load_state_dict(state));
        }
    }

    private static nn.Module<Tensor, Tensor> Model(int seed)
    {
        manual_seed(seed);
        return nn.Sequential(("fc1", nn.Linear(6, 20)), ("tanh", nn.Tanh()), ("fc2", nn.Linear(20, 3)));
    }

    private static Tensor Inputs(out Tensor y)
    {
        manual_seed(42);
        y = randn(16, 3);
        return randn(16, 6);
    }

    private static void Train(nn.Module<Tensor, Tensor> model, HyperOptimizer optimizer, Tensor x, Tensor y, int steps)
    {
        using var criterion = nn.MSELoss();
        for (int i = 0; i < steps; i++)
        {
            optimizer.zero_grad();
            using Tensor output = model.forward(x);
            using Tensor loss = criterion.forward(output, y);
            loss.backward();
            optimizer.step();
        }
    }

    private static void AssertSameRun(nn.Module<Tensor, Tensor> expectedModel, HyperOptimizer expected, nn.Module<Tensor, Tensor> actualModel, HyperOptimizer actual)
    {
        foreach (var (e, a) in expectedModel.parameters().Zip(actualModel.parameters()))
        {
            Assert.Equal(TensorValues.Bits(TensorValues.Read<float>(e)), TensorValues.Bits(TensorValues.Read<float>(a)));
        }

        Assert.Equal(expected.StepCount, actual.StepCount);
        for (int level = 0; level < expected.Levels.Count; level++)
        {
            Assert.Equal(expected.Levels[level].GetValues(), actual.Levels[level].GetValues());
        }
    }
}
