using System;
using System.Collections.Generic;
using System.Threading;

namespace HyperGen.Tests.Reference;

/// <summary>
/// A scalar on a tiny reverse-mode autodiff tape (the role torch tensors play in the paper's code).
/// Every operation records its inputs and the local partial derivatives; <see cref="Backward"/>
/// propagates adjoints in reverse creation order. A <c>new Var(x)</c> is a leaf: a detached constant
/// unless someone asks for its adjoint. Doubles convert implicitly to leaves.
/// </summary>
/// <remarks>
/// Comparisons compare values only, so C# <c>cond ? a : b</c> on <see cref="Var"/>s selects a branch and
/// the derivative flows through the selected branch alone (the same semantics as in PyTorch).
/// </remarks>
public sealed class Var
{
    private static long s_nextId;

    private readonly Var[] _parents;
    private readonly double[] _partials;

    /// <summary>Creation order; every input of a node is created before the node.</summary>
    private readonly long _id;

    /// <summary>Creates a leaf (no inputs).</summary>
    public Var(double value) : this(value, [], []) { }

    private Var(double value, Var[] parents, double[] partials)
    {
        Value = value;
        _parents = parents;
        _partials = partials;
        _id = Interlocked.Increment(ref s_nextId);
    }

    public double Value { get; }

    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static implicit operator Var(double value) => new(value);

    private static Var Unary(double value, Var x, double dx) => new(value, [x], [dx]);

    private static Var Binary(double value, Var x, double dx, Var y, double dy) => new(value, [x, y], [dx, dy]);

    public static Var operator +(Var x, Var y) => Binary(x.Value + y.Value, x, 1.0, y, 1.0);

    public static Var operator -(Var x, Var y) => Binary(x.Value - y.Value, x, 1.0, y, -1.0);

    public static Var operator *(Var x, Var y) => Binary(x.Value * y.Value, x, y.Value, y, x.Value);

    public static Var operator /(Var x, Var y) =>
        Binary(x.Value / y.Value, x, 1.0 / y.Value, y, -x.Value / (y.Value * y.Value));

    public static Var operator -(Var x) => Unary(-x.Value, x, -1.0);

    public static bool operator <(Var x, Var y) => x.Value < y.Value;

    public static bool operator >(Var x, Var y) => x.Value > y.Value;

    public static bool operator <=(Var x, Var y) => x.Value <= y.Value;

    public static bool operator >=(Var x, Var y) => x.Value >= y.Value;

    public static Var Sqrt(Var x)
    {
        double s = Math.Sqrt(x.Value);
        return Unary(s, x, 0.5 / s);
    }

    public static Var Exp(Var x)
    {
        double e = Math.Exp(x.Value);
        return Unary(e, x, e);
    }

    public static Var Log(Var x) => Unary(Math.Log(x.Value), x, 1.0 / x.Value);

    public static Var Tanh(Var x)
    {
        double th = Math.Tanh(x.Value);
        return Unary(th, x, 1.0 - th * th);
    }

    /// <summary>x^p for a constant exponent (e.g. beta^t with the integer step t).</summary>
    public static Var Pow(Var x, double p) => Unary(Math.Pow(x.Value, p), x, p * Math.Pow(x.Value, p - 1.0));

    /// <summary>x^y with both sides differentiable; d/dy = x^y ln x (used only where x &gt; 0).</summary>
    public static Var Pow(Var x, Var y)
    {
        double v = Math.Pow(x.Value, y.Value);
        return Binary(v, x, y.Value * Math.Pow(x.Value, y.Value - 1.0), y, v * Math.Log(x.Value));
    }

    /// <summary>|x|; the derivative at exactly 0 is taken as 0.</summary>
    public static Var Abs(Var x) => Unary(Math.Abs(x.Value), x, Math.Sign(x.Value));

    /// <summary>Max(x, y) = x &gt;= y ? x : y (ties pick x and its derivative).</summary>
    public static Var Max(Var x, Var y) => x >= y ? x : y;

    /// <summary>Min(x, y) = x &lt;= y ? x : y (ties pick x and its derivative).</summary>
    public static Var Min(Var x, Var y) => x <= y ? x : y;

    /// <summary>
    /// Reverse sweep. Seeds give d(objective)/d(node) for the output nodes; the result maps every node
    /// reachable from the seeds to the derivative of the objective with respect to that node's value
    /// (nodes that were never reached are absent: their adjoint is 0).
    /// </summary>
    public static Dictionary<Var, double> Backward(IEnumerable<(Var Node, double Seed)> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var adjoint = new Dictionary<Var, double>(ReferenceEqualityComparer.Instance);
        var reached = new List<Var>();
        var stack = new Stack<Var>();
        foreach (var (node, seed) in seeds)
        {
            Visit(node);
            adjoint[node] += seed;
        }

        // Children were created after their inputs, so descending creation order is a valid reverse
        // topological order.
        reached.Sort((a, b) => b._id.CompareTo(a._id));
        foreach (var node in reached)
        {
            double a = adjoint[node];
            for (int k = 0; k < node._parents.Length; k++)
            {
                adjoint[node._parents[k]] += a * node._partials[k];
            }
        }

        return adjoint;

        void Visit(Var root)
        {
            if (adjoint.ContainsKey(root))
            {
                return;
            }

            adjoint[root] = 0.0;
            reached.Add(root);
            stack.Push(root);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                foreach (var parent in node._parents)
                {
                    if (!adjoint.ContainsKey(parent))
                    {
                        adjoint[parent] = 0.0;
                        reached.Add(parent);
                        stack.Push(parent);
                    }
                }
            }
        }
    }
}
