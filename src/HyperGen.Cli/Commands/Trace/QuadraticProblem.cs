using System;
using System.Numerics;

namespace HyperGen.Cli.Commands.Trace;

/// <summary>
/// The test problem of <c>hypergen trace</c>: <c>f_t(w) = sum_i a_i/2 (w_i - b_i)^2 + n_t,i w_i</c>, a separable
/// quadratic whose optional noise rows make the gradients differ from step to step, as minibatches do.
/// </summary>
internal sealed class QuadraticProblem
{
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[][] _noise;

    /// <summary>Creates a validated problem; <see cref="ProblemReader"/> checks the shapes first.</summary>
    public QuadraticProblem(double[] a, double[] b, double[] w0, double[][] noise, int steps)
    {
        _a = a;
        _b = b;
        _noise = noise;
        InitialWeights = w0;
        Steps = steps;
    }

    /// <summary>Number of weights.</summary>
    public int Size => _a.Length;

    /// <summary>The starting point.</summary>
    public double[] InitialWeights { get; }

    /// <summary>How many training steps to take.</summary>
    public int Steps { get; }

    /// <summary>The loss at 1-based step <paramref name="t"/>, accumulated in double whatever the weights' precision.</summary>
    public double Loss<T>(ReadOnlySpan<T> w, int t)
        where T : IBinaryFloatingPointIeee754<T>
    {
        double[]? n = NoiseRow(t);
        double loss = 0;
        for (int i = 0; i < _a.Length; i++)
        {
            double x = double.CreateTruncating(w[i]);
            double d = x - _b[i];
            loss += (0.5 * _a[i] * d * d) + (n is null ? 0 : n[i] * x);
        }

        return loss;
    }

    /// <summary>
    /// Writes the gradient of the step-<paramref name="t"/> loss, <c>a_i (w_i - b_i) + n_t,i</c>, in the precision
    /// of the weights from coefficients rounded to it, as a model trained in that precision computes its gradients.
    /// </summary>
    public void Gradient<T>(ReadOnlySpan<T> w, int t, Span<T> gradient)
        where T : IBinaryFloatingPointIeee754<T>
    {
        double[]? n = NoiseRow(t);
        for (int i = 0; i < _a.Length; i++)
        {
            T noise = n is null ? T.Zero : T.CreateTruncating(n[i]);
            gradient[i] = (T.CreateTruncating(_a[i]) * (w[i] - T.CreateTruncating(_b[i]))) + noise;
        }
    }

    /// <summary>The first number that would overflow a float, as "field = value", or null when all fit.</summary>
    public string? FindValueOutsideFloatRange()
    {
        static int Outside(double[] values) => Array.FindIndex(values, v => !float.IsFinite((float)v));

        (string Name, double[] Values)[] fields = [("a", _a), ("b", _b), ("w0", InitialWeights)];
        foreach (var (name, values) in fields)
        {
            if (Outside(values) is int i and >= 0)
            {
                return FormattableString.Invariant($"'{name}[{i}]' = {values[i]:R}");
            }
        }

        for (int r = 0; r < _noise.Length; r++)
        {
            if (Outside(_noise[r]) is int i and >= 0)
            {
                return FormattableString.Invariant($"'noise[{r}][{i}]' = {_noise[r][i]:R}");
            }
        }

        return null;
    }

    /// <summary>Row <c>(t - 1) mod rows</c> of the noise, so a short table repeats; null without noise.</summary>
    private double[]? NoiseRow(int t) => _noise.Length == 0 ? null : _noise[(t - 1) % _noise.Length];
}
