using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace HyperGen.Cli.Commands.Check;

/// <summary>
/// Checks an optimizer's generated double-precision partials <c>dw'/dr_j</c> (new weight by raw hyperparameter)
/// against finite differences of the same kernel's new weights, at random but reproducible points.
/// </summary>
/// <remarks>
/// <para>
/// Finite differences use the fourth-order central stencil
/// <c>(w'(r-2h) - 8 w'(r-h) + 8 w'(r+h) - w'(r+2h)) / 12h</c> with <c>h = 1e-3 max(|r|, 1e-3)</c>. The new weight
/// is the old one plus a small update, so it carries rounding noise of about <c>eps |w'|</c>; the derivative of the
/// update is often far smaller than <c>|w'|</c> (Adam's beta2 moves a weight by ~1e-4 per unit of raw beta2), and
/// a plain two-point difference with a tiny h would drown in that noise. A larger, relative h with a fourth-order
/// stencil keeps both truncation and rounding near 1e-9 of the derivative, and keeps the sign of r, so
/// hyperparameters used under a square root or a logarithm stay in their domain.
/// </para>
/// <para>
/// The error at one point is <c>max_i |a_i - d_i| / max(max_i |a_i|, max_i |d_i|, floor)</c> over the n elements:
/// relative to the size of the whole derivative vector rather than of each element, so an element whose
/// derivative happens to cross zero does not count as a large relative error. <c>floor = 1e-8 max(1, max|w'|) / h</c>
/// is the smallest derivative the difference quotient can resolve, about 30 times its rounding noise: derivative
/// vectors smaller than that are compared absolutely, at <see cref="Tolerance"/> times the floor.
/// </para>
/// </remarks>
internal static class GradientChecker
{
    /// <summary>The largest error that passes.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>Elements per point: enough to vary gradients and state, few enough to stay instant.</summary>
    private const int Elements = 16;

    private const int Points = 8;

    /// <summary>A fixed seed, so that a check that passes once passes every time.</summary>
    private const int Seed = 20221128;

    /// <summary>Checks every hyperparameter of <paramref name="definition"/>, in declaration order.</summary>
    public static IReadOnlyList<GradientCheckResult> Check(OptimizerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        int hyperCount = definition.HyperParameters.Count;
        var worst = new double[hyperCount];
        var random = new Random(Seed);
        try
        {
            IStepKernel<double> kernel = definition.GetKernel<double>();
            for (int point = 0; point < Points; point++)
            {
                var inputs = StepInputs.Random(definition, random, Elements);
                double[] partials = inputs.StepWithPartials(kernel, out double[] newWeights);
                for (int j = 0; j < hyperCount; j++)
                {
                    double error = CompareOne(kernel, inputs, j, partials.AsSpan(j * Elements, Elements), newWeights);
                    worst[j] = double.IsNaN(error) || double.IsNaN(worst[j]) ? double.NaN : Math.Max(worst[j], error);
                }
            }
        }
        catch (Exception e)
        {
            // Generated code (or a definition whose declared values cannot be mapped to raw ones) that throws is a
            // failed check, not a crash of the tool: report it for every hyperparameter.
            string failure = $"{e.GetType().Name}: {e.Message}";
            return Results(definition, worst, failure);
        }

        return Results(definition, worst, null);
    }

    private static GradientCheckResult[] Results(OptimizerDefinition definition, double[] worst, string? failure)
    {
        var results = new GradientCheckResult[worst.Length];
        for (int j = 0; j < worst.Length; j++)
        {
            results[j] = new GradientCheckResult(definition.Name, definition.HyperParameters[j].Name, worst[j], failure);
        }

        return results;
    }

    /// <summary>
    /// The least error at the standard step and at steps 8 and 64 times smaller (tried only while the error is too
    /// large): a wrong derivative is wrong at every step, while a finite difference that straddles a narrow feature
    /// of the step (|c| + 1e-3 near c = 0, say) improves by 8^4 with each smaller step.
    /// </summary>
    private static double CompareOne(
        IStepKernel<double> kernel, StepInputs inputs, int j, ReadOnlySpan<double> analytic, double[] newWeights)
    {
        double r = inputs.Raw[j];
        double h = 1e-3 * Math.Max(Math.Abs(r), 1e-3);
        double best = CompareOne(kernel, inputs, j, analytic, newWeights, h);
        for (int refinement = 1; refinement <= 2 && !(best <= Tolerance); refinement++)
        {
            h /= 8;
            double finer = CompareOne(kernel, inputs, j, analytic, newWeights, h);
            best = double.IsNaN(best) ? finer : Math.Min(best, finer);
        }

        return best;
    }

    private static double CompareOne(
        IStepKernel<double> kernel, StepInputs inputs, int j, ReadOnlySpan<double> analytic, double[] newWeights, double h)
    {
        double r = inputs.Raw[j];
        double[] minus2 = inputs.StepWithRaw(kernel, j, r - (2 * h));
        double[] minus1 = inputs.StepWithRaw(kernel, j, r - h);
        double[] plus1 = inputs.StepWithRaw(kernel, j, r + h);
        double[] plus2 = inputs.StepWithRaw(kernel, j, r + (2 * h));

        double maxDifference = 0, maxAnalytic = 0, maxNumeric = 0, maxWeight = 1;
        for (int i = 0; i < analytic.Length; i++)
        {
            double numeric = (minus2[i] - (8 * minus1[i]) + (8 * plus1[i]) - plus2[i]) / (12 * h);
            double difference = Math.Abs(analytic[i] - numeric);
            if (!double.IsFinite(difference))
            {
                return double.NaN;
            }

            maxDifference = Math.Max(maxDifference, difference);
            maxAnalytic = Math.Max(maxAnalytic, Math.Abs(analytic[i]));
            maxNumeric = Math.Max(maxNumeric, Math.Abs(numeric));
            maxWeight = Math.Max(maxWeight, Math.Abs(newWeights[i]));
        }

        double floor = 1e-8 * maxWeight / h;
        return maxDifference / Math.Max(Math.Max(maxAnalytic, maxNumeric), floor);
    }

    /// <summary>One random point: weights, gradients, state, raw hyperparameters and step index.</summary>
    private sealed class StepInputs
    {
        private readonly double[] _weights;
        private readonly double[] _gradients;
        private readonly double[] _state;
        private readonly int _stepIndex;

        private StepInputs(double[] weights, double[] gradients, double[] state, double[] raw, int stepIndex)
        {
            _weights = weights;
            _gradients = gradients;
            _state = state;
            Raw = raw;
            _stepIndex = stepIndex;
        }

        public double[] Raw { get; }

        /// <summary>
        /// Weights and gradients ~ N(0, 1); state uniform in (0.1, 1), positive because optimizers take square
        /// roots of it; raw hyperparameters within 10% of their declared initial raw value (or in (0, 0.1) when
        /// that is 0), so the point is one the optimizer really visits; step index 1..50.
        /// </summary>
        public static StepInputs Random(OptimizerDefinition definition, Random random, int n)
        {
            var weights = new double[n];
            var gradients = new double[n];
            for (int i = 0; i < n; i++)
            {
                weights[i] = Normal(random);
                gradients[i] = Normal(random);
            }

            var state = new double[definition.StateVariables.Count * n];
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = 0.1 + (0.9 * random.NextDouble());
            }

            var raw = new double[definition.HyperParameters.Count];
            for (int j = 0; j < raw.Length; j++)
            {
                HyperParameterInfo info = definition.HyperParameters[j];
                double initial = HyperDomains.ToRaw(info.Domain, info.Initial);
                raw[j] = initial == 0
                    ? 0.1 * random.NextDouble()
                    : initial * (1 + (0.2 * (random.NextDouble() - 0.5)));
            }

            return new StepInputs(weights, gradients, state, raw, random.Next(1, 51));
        }

        /// <summary>Steps a copy of the inputs asking for partials; returns them (hyperparameter-major).</summary>
        public double[] StepWithPartials(IStepKernel<double> kernel, out double[] newWeights)
        {
            newWeights = (double[])_weights.Clone();
            var partials = new double[Raw.Length * newWeights.Length];
            Step(kernel, newWeights, (double[])_state.Clone(), partials, Raw);
            return partials;
        }

        /// <summary>Steps a copy of the inputs with raw hyperparameter <paramref name="j"/> replaced; returns the new weights.</summary>
        public double[] StepWithRaw(IStepKernel<double> kernel, int j, double value)
        {
            double[] weights = (double[])_weights.Clone();
            double[] raw = (double[])Raw.Clone();
            raw[j] = value;
            Step(kernel, weights, (double[])_state.Clone(), null, raw);
            return weights;
        }

        /// <summary>The kernel updates weights and state in place, which is why callers pass copies.</summary>
        private void Step(IStepKernel<double> kernel, double[] weights, double[] state, double[]? partials, double[] raw)
        {
            int n = weights.Length;
            LevelChunk<double> chunk = partials is null || partials.Length == 0
                ? new LevelChunk<double>(ref weights[0], in _gradients[0], ref FirstOrNull(state), n, n)
                : new LevelChunk<double>(ref weights[0], in _gradients[0], ref FirstOrNull(state), n, ref partials[0], n, n);
            kernel.Step(in chunk, raw, _stepIndex);
        }

        /// <summary>A chunk marks "no state" with a null reference, as towers do.</summary>
        private static ref double FirstOrNull(double[]? values) =>
            ref values is null || values.Length == 0 ? ref Unsafe.NullRef<double>() : ref values[0];

        /// <summary>Box-Muller; fixed-seed <see cref="System.Random"/> is reproducible across runs.</summary>
        private static double Normal(Random random)
        {
            double u = 1 - random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
        }
    }
}
