using System;
using System.Collections.Generic;
using System.Linq;
using HyperGen.Tests.Reference;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HyperGen.TorchSharp.Tests;

/// <summary>
/// A multi-tensor "model" whose loss is the reference's <see cref="QuadraticProblem"/>, computed by TorchSharp with
/// autograd: f_t(w) = sum 0.5*a*(w - b)^2 + n_t*w over all tensors, in the problem's flat order.
/// </summary>
internal sealed class QuadraticModel : IDisposable
{
    private readonly List<Tensor> _owned = [];
    private readonly Tensor[] _halfA;
    private readonly Tensor[] _b;
    private readonly Tensor[][] _noise;

    public QuadraticModel(QuadraticProblem problem, long[][] shapes, ScalarType dtype)
    {
        Problem = problem;
        Shapes = shapes;
        int count = shapes.Length;
        Parameters = new Parameter[count];
        _halfA = new Tensor[count];
        _b = new Tensor[count];
        int rows = problem.Noise?.Length ?? 0;
        _noise = new Tensor[rows][];
        for (int r = 0; r < rows; r++)
        {
            _noise[r] = new Tensor[count];
        }

        int at = 0;
        for (int k = 0; k < count; k++)
        {
            int n = (int)shapes[k].Aggregate(1L, (x, y) => x * y);
            Parameters[k] = new Parameter(Make(problem.W0.AsSpan(at, n), shapes[k], dtype));
            _halfA[k] = Own(Make(problem.A.AsSpan(at, n).ToArray().Select(a => 0.5 * a).ToArray(), shapes[k], dtype));
            _b[k] = Own(Make(problem.B.AsSpan(at, n), shapes[k], dtype));
            for (int r = 0; r < rows; r++)
            {
                _noise[r][k] = Own(Make(problem.Noise![r].AsSpan(at, n), shapes[k], dtype));
            }

            at += n;
        }
    }

    public QuadraticProblem Problem { get; }

    public long[][] Shapes { get; }

    public Parameter[] Parameters { get; }

    public int[] Sizes => Parameters.Select(p => (int)p.numel()).ToArray();

    /// <summary>A problem of <paramref name="total"/> weights, deterministic in <paramref name="seed"/>.</summary>
    public static QuadraticProblem RandomProblem(int total, int seed, int steps)
    {
        var random = new Random(seed);
        double[] Values(double low, double high) => Enumerable.Range(0, total).Select(_ => low + ((high - low) * random.NextDouble())).ToArray();
        return new QuadraticProblem(Values(0.5, 2.0), Values(-1, 1), Values(-1, 1), [Values(-0.1, 0.1), Values(-0.1, 0.1), Values(-0.1, 0.1)], steps);
    }

    /// <summary>The loss at step <paramref name="t"/> (1-based), as a graph over the parameters.</summary>
    public Tensor Loss(int t)
    {
        Tensor[]? noise = _noise.Length > 0 ? _noise[(t - 1) % _noise.Length] : null;
        Tensor? total = null;
        for (int k = 0; k < Parameters.Length; k++)
        {
            using Tensor d = Parameters[k] - _b[k];
            using Tensor d2 = d * d;
            using Tensor quadratic = d2 * _halfA[k];
            using Tensor term = noise is null ? quadratic.sum() : (quadratic + (noise[k] * Parameters[k])).sum();
            Tensor next = total is null ? term.clone() : total + term;
            total?.Dispose();
            total = next;
        }

        return total!;
    }

    /// <summary>One training step's gradients: zero them, then backward through the loss at <paramref name="t"/>.</summary>
    public void Backward(HyperOptimizer optimizer, int t)
    {
        optimizer.zero_grad();
        using Tensor loss = Loss(t);
        loss.backward();
    }

    public void Dispose()
    {
        foreach (Tensor t in _owned)
        {
            t.Dispose();
        }

        foreach (Parameter p in Parameters)
        {
            p.Dispose();
        }
    }

    private Tensor Own(Tensor t)
    {
        _owned.Add(t);
        return t;
    }

    private static Tensor Make(ReadOnlySpan<double> values, long[] shape, ScalarType dtype)
    {
        using Tensor flat = tensor(values.ToArray(), dtype: ScalarType.Float64);
        using Tensor shaped = flat.reshape(shape);
        return shaped.to_type(dtype);
    }
}
