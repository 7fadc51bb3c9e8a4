using System;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>
/// A step writes through spans, which autograd does not see; the optimizer advances each parameter's version counter
/// itself, so a graph that saved a parameter before the step fails in backward, as after torch.optim's steps.
/// </summary>
public sealed class VersionCounterTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_graph_that_saved_a_parameter_before_a_step_fails_in_backward(bool flatten)
    {
        using var w = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([w], "sgd(alpha=0.1)", flatten: flatten);
        using (Tensor first = (w * w).sum())
        {
            first.backward();
        }

        using Tensor saved = (w * w).sum();   // mul saves w for its backward
        optimizer.step();
        Exception e = Assert.ThrowsAny<Exception>(() => saved.backward());
        Assert.Contains("inplace", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_graph_built_after_the_step_still_backpropagates(bool flatten)
    {
        using var w = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([w], "sgd(alpha=0.1)", flatten: flatten);
        using (Tensor first = (w * w).sum())
        {
            first.backward();
        }

        optimizer.step();
        optimizer.zero_grad();
        using Tensor after = (w * w).sum();
        after.backward();
        using Tensor g = w.grad!;
        Assert.Equal(new float[] { 1.6f, 3.2f, 4.8f }, TensorValues.Read<float>(g), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void A_rejected_step_leaves_the_version_as_it_was()
    {
        using var w = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([w], "sgd(alpha=0.1)");
        using (Tensor first = (w * w).sum())
        {
            first.backward();
        }

        using Tensor saved = (w * w).sum();
        using (Tensor g = w.grad!)
        {
            g[1] = tensor(float.NaN);
        }

        Assert.Throws<NonFiniteStepException>(() => optimizer.step());
        Assert.Equal(new float[] { 1, 2, 3 }, TensorValues.Read<float>(w));
        saved.backward();   // nothing changed, so the saved graph is still valid
    }

    private sealed class FloatTolerance(float tolerance) : System.Collections.Generic.IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
