using HyperGen.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace HyperGen.Tests.Parity;

/// <summary>
/// A sanity check of the float kernels: <c>hypergen trace --precision float</c> stays close to the double-precision
/// reference over a short run. It cannot agree to 1e-9: float rounds at about 6e-8 relative, the CLI rounds the
/// problem's coefficients to float before computing gradients (as a float model would), and every step feeds the
/// previous step's rounding back through the hyperparameters.
/// </summary>
public sealed class FloatPrecisionParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// 1e-4 relative: about 1700 float ulps (2^-24 = 6e-8). Over 20 steps of a 3-level tower, rounding errors of a
    /// few ulps per operation accumulate and are amplified by the hyperparameter feedback (level 1's alpha climbs to
    /// 0.46 here, so the weights oscillate and the loss rises and falls); observed: about 1e-5 relative on
    /// hyperparameters and losses. A wrong derivative, a wrong constant or a level applied in the wrong order shows up
    /// at 1e-2 or more after a few steps, so 1e-4 still separates "float rounding" from "a bug".
    /// </summary>
    private const double Relative = 1e-4;

    /// <summary>Hyperparameters are compared relatively; the floor only lets sgd's inactive mu (exactly 0) pass.</summary>
    private const double HyperFloor = 1e-12;

    /// <summary>
    /// Losses and weights: the problem's scale is 1 (b, w0 ~ N(0, 1), a in [0.5, 3]), and float errors in a weight
    /// are absolute errors at that scale, about 1e-5 after 20 steps, whatever the weight's own value. A weight that
    /// ends near 0 (one ends at 0.047 here, off by 1.1e-5) would fail a purely relative test, so these get an
    /// absolute floor of the relative tolerance times the problem's scale: |x - y| &lt;= 1e-4 max(|x|, |y|) + 1e-4.
    /// </summary>
    private const double ProblemFloor = 1e-4;

    [Theory]
    [InlineData("adam(alpha=0.01)/sgd(alpha=1e-4)/sgd(alpha=1e-5)")]
    public void Trace_in_float_stays_close_to_the_double_reference(string tower)
    {
        QuadraticProblem problem = ParityProblems.Create(BuiltInParityTests.Seed, steps: 20);
        ReferenceTrace expected = ReferenceTower.Run(tower, problem);

        using var cli = new CliTrace();
        CliTraceResult actual = cli.Run(tower, problem, "float");

        var comparison = new ParityComparison(Relative, HyperFloor, ProblemFloor);
        comparison.CompareTraces(expected, actual);
        output.WriteLine(comparison.Summary($"{tower} --precision float, 20 steps"));
        ParityRunChecks.AssertConverging(expected, output);
        ParityRunChecks.AssertLowerLevelsLearned(expected, output);
        comparison.AssertAllWithinTolerance(tower + " --precision float");
    }
}
