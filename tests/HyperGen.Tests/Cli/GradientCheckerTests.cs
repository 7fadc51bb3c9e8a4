using System;
using System.Runtime.CompilerServices;
using HyperGen.Cli.Commands.Check;
using HyperGen.Optimizers;
using Xunit;

namespace HyperGen.Tests.Cli;

public sealed class GradientCheckerTests
{
    public static TheoryData<string> BuiltIns => new(OptimizerCatalog.BuiltIn.Names);

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void Built_in_optimizers_pass(string name)
    {
        OptimizerDefinition definition = OptimizerCatalog.BuiltIn.Find(name)!;

        var results = GradientChecker.Check(definition);

        Assert.Equal(definition.HyperParameters.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Optimizer}.{r.HyperParameter}: {r.MaxError:R} {r.Failure}"));
    }

    [Fact]
    public void Correct_hand_written_partials_pass()
    {
        var result = Assert.Single(GradientChecker.Check(new ScaledStep(partialFactor: 1)));

        Assert.True(result.Passed);
        Assert.True(result.MaxError < 1e-9, $"{result.MaxError:R}");
    }

    [Fact]
    public void Wrong_partials_fail()
    {
        var result = Assert.Single(GradientChecker.Check(new ScaledStep(partialFactor: 1.001)));

        Assert.False(result.Passed);
        Assert.Equal("ScaledStep", result.Optimizer);
        Assert.Equal("alpha", result.HyperParameter);
    }

    [Fact]
    public void A_kernel_that_throws_fails_without_escaping()
    {
        var result = Assert.Single(GradientChecker.Check(new ScaledStep(partialFactor: double.NaN)));

        Assert.False(result.Passed);
        Assert.StartsWith("InvalidOperationException: deliberately broken", result.Failure);
    }

    [Fact]
    public void Adam_is_checked_more_tightly_than_the_tolerance()
    {
        // Adam's beta2 moves a weight by ~1e-4 per unit of its raw value, the hardest case for finite differences.
        Assert.All(GradientChecker.Check(Adam.Definition), r => Assert.True(r.MaxError < 1e-8, $"{r.HyperParameter}: {r.MaxError:R}"));
    }

    /// <summary>
    /// <c>w -= alpha^2 * g</c> with a hand-written partial scaled by a factor: 1 is exact, anything else is wrong, and
    /// NaN makes the kernel throw.
    /// </summary>
    private sealed class ScaledStep(double partialFactor)
        : OptimizerDefinition("ScaledStep", [new HyperParameterInfo("alpha", 0.1, HyperDomain.Real)], [], 1)
    {
        protected override IStepKernel<float> SingleKernel => throw new NotSupportedException();

        protected override IStepKernel<double> DoubleKernel { get; } = new Kernel(partialFactor);

        private sealed class Kernel(double partialFactor) : IStepKernel<double>
        {
            public void Step(in LevelChunk<double> chunk, ReadOnlySpan<double> rawHyperParameters, int stepIndex)
            {
                if (double.IsNaN(partialFactor))
                {
                    throw new InvalidOperationException("deliberately broken");
                }

                double alpha = rawHyperParameters[0];
                for (int i = 0; i < chunk.Length; i++)
                {
                    double g = Unsafe.Add(ref Unsafe.AsRef(in chunk.Gradients), i);
                    Unsafe.Add(ref chunk.Weights, i) -= alpha * alpha * g;
                    if (chunk.HasPartials)
                    {
                        Unsafe.Add(ref chunk.Partial(0), i) = -2 * alpha * g * partialFactor;
                    }
                }
            }
        }
    }
}
