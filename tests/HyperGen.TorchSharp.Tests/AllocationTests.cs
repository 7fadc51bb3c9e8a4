using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>Counts every thread's allocations, the tower's block workers included: runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideAllocationCollection
{
    public const string Name = "Process-wide allocation counts";
}

/// <summary>After the first step, a step allocates no managed bytes (measured over the whole process) and leaves no tensor.</summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class AllocationTests
{
    [Theory]
    [InlineData("adam(alpha=1e-3)/sgd(alpha=1e-5)", true)]
    [InlineData("adam(alpha=1e-3)/sgd(alpha=1e-5)", false)]
    [InlineData("adam(alpha=1e-3)", true)]
    [InlineData("adam(alpha=1e-3)/adam(alpha=1e-5)/sgd(alpha=1e-7)", false)]
    public void Steps_of_the_papers_mlp_allocate_nothing_after_warm_up(string spec, bool flatten)
    {
        // The paper's MLP, 784-128-10: 101,770 float32 parameters, several blocks of parallel work per step.
        manual_seed(11);
        using var model = nn.Sequential(("fc1", nn.Linear(784, 128)), ("tanh", nn.Tanh()), ("fc2", nn.Linear(128, 10)));
        using var optimizer = new HyperOptimizer(model.parameters(), spec, flatten: flatten);
        using Tensor x = randn(32, 784);
        using Tensor y = randint(0, 10, [32]);
        using var loss = nn.CrossEntropyLoss();
        for (int i = 0; i < 3; i++)
        {
            Backward(model, optimizer, loss, x, y);
            optimizer.step();
        }

        // Only the steps are counted, every thread of the process (the tower's block workers too). A step that
        // allocates shows in every round of 10; the runtime's own one-off work (a method promoted to the optimised
        // tier, a lock's first contention) shows in one round at most, so the claim is that some round allocates
        // nothing at all.
        // Tensor.TotalCount is process-wide too: tensors that earlier tests left to the finalizer would be counted
        // off while this test runs, so they are finalized first, and only the steps' own changes are added up.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rounds = new List<long>();
        long tensorsCreated = 0;
        for (int round = 0; round < 4 && !rounds.Contains(0); round++)
        {
            long allocated = 0;
            for (int i = 0; i < 10; i++)
            {
                Backward(model, optimizer, loss, x, y);
                long tensorsBefore = Tensor.TotalCount;
                long before = GC.GetTotalAllocatedBytes(precise: true);
                optimizer.step();
                allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
                tensorsCreated += Tensor.TotalCount - tensorsBefore;
            }

            rounds.Add(allocated);
        }

        Assert.True(rounds.Contains(0), $"bytes allocated by each round of 10 steps: {string.Join(", ", rounds)}");
        Assert.Equal(0, tensorsCreated);
        Assert.Equal(3 + (10 * rounds.Count), optimizer.StepCount);
    }

    [Fact]
    public void Zero_grad_allocates_nothing_and_zeroes_the_gradients_in_place()
    {
        manual_seed(12);
        using var model = nn.Linear(300, 70);
        using var optimizer = new HyperOptimizer(model.parameters(), "adam/sgd(alpha=1e-6)", flatten: false);
        using Tensor x = randn(8, 300);
        using var loss = nn.MSELoss();
        using Tensor target = zeros(8, 70);
        Backward(model, optimizer, loss, x, target);
        optimizer.step();
        Backward(model, optimizer, loss, x, target);
        using (Tensor g = model.weight!.grad!)
        {
            Assert.NotEqual(0f, g.abs().sum().item<float>());
        }

        IntPtr address;
        using (Tensor g = model.weight!.grad!)
        {
            address = TensorValues.Address(g);
        }

        var rounds = new List<long>();
        for (int round = 0; round < 4 && !rounds.Contains(0); round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 5; i++)
            {
                optimizer.zero_grad();
            }

            rounds.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.True(rounds.Contains(0), $"bytes allocated by each round of 5 calls: {string.Join(", ", rounds)}");
        foreach (Parameter p in model.parameters())
        {
            using Tensor g = p.grad!;
            Assert.Equal(0f, g.abs().sum().item<float>());
        }

        using (Tensor g = model.weight!.grad!)
        {
            Assert.Equal(address, TensorValues.Address(g));
        }
    }

    private static void Backward(nn.Module<Tensor, Tensor> model, HyperOptimizer optimizer, nn.Module<Tensor, Tensor, Tensor> criterion, Tensor x, Tensor y)
    {
        optimizer.zero_grad();
        using Tensor output = model.forward(x);
        using Tensor value = criterion.forward(output, y);
        value.backward();
    }
}
