using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>
/// Every tensor the tower cannot step in place gets one exception that names the parameter and says what to do, and
/// nothing is changed (or, at a step, stepped) when one does.
/// </summary>
public sealed class BadInputTests
{
    private const string Spec = "adam(alpha=0.01)/sgd(alpha=1e-5)";

    [Fact]
    public void A_non_contiguous_parameter_is_named_and_nothing_is_re_homed()
    {
        using var good = new Parameter(randn(4, 3));
        using var transposed = new Parameter(randn(4, 3).t());
        IntPtr before = TensorValues.Address(good);
        var e = Assert.Throws<ArgumentException>(() => new HyperOptimizer([("good", good), ("fc.weight", transposed)], TowerSpec.Parse(Spec)));
        Assert.Contains("fc.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("not contiguous", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, TensorValues.Address(good));
        Assert.Null(good.grad);
    }

    [Fact]
    public void A_parameter_on_another_device_is_refused_as_a_cuda_one_would_be()
    {
        using var meta = new Parameter(empty(5, device: META));
        var e = Assert.Throws<ArgumentException>(() => new HyperOptimizer([meta], Spec));
        Assert.Contains("parameter 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("CPU tensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_precisions_in_one_group_are_refused()
    {
        using var single = new Parameter(randn(3));
        using var twice = new Parameter(randn(3, dtype: ScalarType.Float64));
        var e = Assert.Throws<ArgumentException>(() => new HyperOptimizer([single, twice], Spec));
        Assert.Contains("parameter 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("own parameter group", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_precision_no_tower_runs_in_is_refused()
    {
        using var half = new Parameter(randn(3).to_type(ScalarType.Float16));
        var e = Assert.Throws<ArgumentException>(() => new HyperOptimizer([half], Spec));
        Assert.Contains("float32 or float64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frozen_repeated_and_missing_parameters_are_refused()
    {
        using var frozen = new Parameter(randn(3), requires_grad: false);
        Assert.Contains("does not require a gradient", Assert.Throws<ArgumentException>(() => new HyperOptimizer([frozen], Spec)).Message, StringComparison.Ordinal);
        using var twice = new Parameter(randn(3));
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => new HyperOptimizer([twice, twice], Spec)).Message, StringComparison.Ordinal);
        Assert.Contains("no parameters", Assert.Throws<ArgumentException>(() => new HyperOptimizer(Array.Empty<Parameter>(), Spec)).Message, StringComparison.Ordinal);
        Assert.Throws<TowerSpecException>(() => new HyperOptimizer([twice], "adam/nosuch"));
    }

    [Fact]
    public void A_parameter_in_two_groups_is_refused()
    {
        using var shared = new Parameter(randn(3));
        using var other = new Parameter(randn(3));
        var e = Assert.Throws<ArgumentException>(() => new HyperOptimizer(
            [new HyperOptimizer.ParamGroup([shared, other], Spec), new HyperOptimizer.ParamGroup([shared], Spec)]));
        Assert.Contains("already in another group", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_gradient_set_to_none_stops_the_step_before_any_group_changes(bool flatten)
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var b = new Parameter(tensor(new float[] { 4, 5 }));
        using var optimizer = new HyperOptimizer(
            [new HyperOptimizer.ParamGroup([a], Spec, flatten: flatten), new HyperOptimizer.ParamGroup([b], Spec, flatten: flatten)]);
        using (Tensor loss = (a * a).sum() + (b * b).sum())
        {
            loss.backward();
        }

        b.grad = null;
        var e = Assert.Throws<InvalidOperationException>(() => optimizer.step());
        Assert.Contains("parameter 0 of group 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("has no gradient", e.Message, StringComparison.Ordinal);
        Assert.Equal(new float[] { 1, 2, 3 }, TensorValues.Read<float>(a));
        Assert.Equal(0, optimizer.Groups[0].Levels[0].StepCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_parameter_made_non_contiguous_after_construction_stops_the_step(bool flatten)
    {
        using var a = new Parameter(randn(3, 4));
        using var optimizer = new HyperOptimizer([("layer.weight", a)], TowerSpec.Parse(Spec), flatten: flatten);
        using (Tensor loss = (a * a).sum())
        {
            loss.backward();
        }

        using (no_grad())
        {
            using Tensor transposed = randn(4, 3).t();
            a.set_(transposed);
        }

        float[] before = TensorValues.Read<float>(a);
        var e = Assert.Throws<InvalidOperationException>(() => optimizer.step());
        Assert.Contains("layer.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("not contiguous", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, TensorValues.Read<float>(a));
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_gradient_replaced_by_backward_is_found_and_stepped(bool flatten)
    {
        // torch's own Module.zero_grad sets gradients to none, and backward then makes new ones elsewhere.
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], "sgd(alpha=0.5)", flatten: flatten);
        a.grad = null;
        using (Tensor loss = (a * a).sum())
        {
            loss.backward();
        }

        optimizer.step();
        Assert.Equal(new float[] { 0, 0, 0 }, TensorValues.Read<float>(a));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_non_finite_gradient_changes_nothing(bool flatten)
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], Spec, flatten: flatten);
        using (Tensor loss = (a * a).sum())
        {
            loss.backward();
        }

        optimizer.step();
        float[] before = TensorValues.Read<float>(a);
        double alpha = optimizer.Levels[0]["alpha"];
        using (Tensor g = a.grad!)
        {
            g[2] = tensor(float.PositiveInfinity);
        }

        var e = Assert.Throws<NonFiniteStepException>(() => optimizer.step());
        Assert.Equal(NonFiniteQuantity.Gradient, e.Quantity);
        Assert.Equal(before, TensorValues.Read<float>(a));
        Assert.Equal(alpha, optimizer.Levels[0]["alpha"]);
        Assert.Equal(1, optimizer.StepCount);

        optimizer.NonFinitePolicy = NonFinitePolicy.SkipStep;
        optimizer.step();
        Assert.Equal(1, optimizer.SkippedStepCount);
        Assert.Equal(before, TensorValues.Read<float>(a));
    }

    [Fact]
    public void A_non_finite_loss_from_the_closure_changes_nothing()
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], Spec);
        Tensor Closure()
        {
            optimizer.zero_grad();
            using Tensor loss = (a * a).sum();
            loss.backward();
            return loss * float.NaN;
        }

        var e = Assert.Throws<NonFiniteStepException>(() => optimizer.step(Closure));
        Assert.Equal(NonFiniteQuantity.Loss, e.Quantity);
        Assert.Equal(new float[] { 1, 2, 3 }, TensorValues.Read<float>(a));
    }

    [Fact]
    public void The_closure_loss_is_returned_and_the_step_taken()
    {
        using var a = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = new HyperOptimizer([a], "sgd(alpha=0.25)");
        using Tensor loss = optimizer.step(() =>
        {
            optimizer.zero_grad();
            Tensor value = (a * a).sum();
            value.backward();
            return value;
        });
        Assert.Equal(14f, loss.item<float>());
        Assert.Equal(new float[] { 0.5f, 1, 1.5f }, TensorValues.Read<float>(a));
    }

    [Fact]
    public void Moving_the_optimizer_to_another_device_is_refused()
    {
        using var a = new Parameter(randn(3));
        using var optimizer = new HyperOptimizer([a], Spec);
        optimizer.to(CPU);
        Assert.Throws<NotSupportedException>(() => optimizer.to(META));
    }

    [Fact]
    public void A_foreign_parameter_group_is_refused()
    {
        using var a = new Parameter(randn(3));
        using var optimizer = new HyperOptimizer([a], Spec);
        using var b = new Parameter(randn(3));
        Assert.Throws<ArgumentException>(() => optimizer.add_param_group(new Adam.ParamGroup([b])));
    }
}
