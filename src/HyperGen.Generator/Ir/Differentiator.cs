using System;
using System.Collections.Generic;

namespace HyperGen.Generator.Ir;

/// <summary>
/// Forward-mode differentiation of terms with respect to one raw hyperparameter at a time. Every other leaf
/// (weight, gradient, incoming state, step index) is a constant: that is the detachment rule of the algorithm,
/// which keeps each step's derivatives local to the step.
/// </summary>
internal sealed class Differentiator
{
    private readonly TermFactory _f;
    private readonly Dictionary<(int Term, int Hyper), Term> _memo = new();

    public Differentiator(TermFactory factory) => _f = factory;

    /// <summary>Called for each derivative term built from a named term, so the emitter can name it too.</summary>
    public Action<Term, Term, int>? OnDerived { get; set; }

    public Term Derive(Term term, int hyper)
    {
        if ((term.HyperMask & (1UL << hyper)) == 0)
        {
            return _f.Zero;
        }

        if (_memo.TryGetValue((term.Id, hyper), out Term? known))
        {
            return known;
        }

        Term result = Rule(term, hyper);
        _memo[(term.Id, hyper)] = result;
        OnDerived?.Invoke(term, result, hyper);
        return result;
    }

    private Term Rule(Term t, int j)
    {
        Term[] a = t.Args;
        switch (t.Op)
        {
            case Op.Hyper:
                return t.Index == j ? _f.One : _f.Zero;
            case Op.Add:
                return _f.Add(Derive(a[0], j), Derive(a[1], j));
            case Op.Sub:
                return _f.Sub(Derive(a[0], j), Derive(a[1], j));
            case Op.Neg:
                return _f.Neg(Derive(a[0], j));
            case Op.Mul:
                return _f.Add(_f.Mul(Derive(a[0], j), a[1]), _f.Mul(a[0], Derive(a[1], j)));
            case Op.Div:
                // d(u/v) = (du - (u/v) dv) / v reuses the quotient the step already computes.
                return _f.Div(_f.Sub(Derive(a[0], j), _f.Mul(t, Derive(a[1], j))), a[1]);
            case Op.Select:
                return _f.Select(t.Cmp, a[0], a[1], Derive(a[2], j), Derive(a[3], j));
            case Op.Call:
                return CallRule(t, j);
            default:
                // Constants and detached leaves.
                return _f.Zero;
        }
    }

    private Term CallRule(Term t, int j)
    {
        Term x = t.Args[0];
        Term dx = Derive(x, j);
        switch (t.Func)
        {
            case Func.Sqrt:
                return _f.Div(dx, _f.Mul(_f.Const(2), t));
            case Func.Exp:
                return _f.Mul(t, dx);
            case Func.Log:
                return _f.Div(dx, x);
            case Func.Log2:
                return _f.Div(dx, _f.Mul(_f.Const(Math.Log(2)), x));
            case Func.Log10:
                return _f.Div(dx, _f.Mul(_f.Const(Math.Log(10)), x));
            case Func.Tanh:
                return _f.Mul(_f.Sub(_f.One, _f.Mul(t, t)), dx);
            case Func.Sinh:
                return _f.Mul(_f.Call(Func.Cosh, x), dx);
            case Func.Cosh:
                return _f.Mul(_f.Call(Func.Sinh, x), dx);
            case Func.Sin:
                return _f.Mul(_f.Call(Func.Cos, x), dx);
            case Func.Cos:
                return _f.Neg(_f.Mul(_f.Call(Func.Sin, x), dx));
            case Func.Atan:
                return _f.Div(dx, _f.Add(_f.One, _f.Mul(x, x)));
            case Func.Cbrt:
                return _f.Div(dx, _f.Mul(_f.Const(3), _f.Mul(t, t)));
            case Func.Abs:
                return _f.Select(Cmp.Ge, x, _f.Zero, dx, _f.Neg(dx));
            case Func.Max:
                return _f.Select(Cmp.Ge, x, t.Args[1], dx, Derive(t.Args[1], j));
            case Func.Min:
                return _f.Select(Cmp.Le, x, t.Args[1], dx, Derive(t.Args[1], j));
            case Func.Pow:
            {
                Term y = t.Args[1];
                Term dy = Derive(y, j);

                // d(x^y) = y x^(y-1) dx + x^y ln(x) dy; the second term vanishes for a constant exponent.
                Term viaBase = _f.Mul(_f.Mul(y, _f.Call(Func.Pow, x, _f.Sub(y, _f.One))), dx);
                Term viaExponent = _f.Mul(_f.Mul(t, _f.Call(Func.Log, x)), dy);
                return _f.Add(viaBase, viaExponent);
            }

            default:
                throw new InvalidOperationException($"No derivative rule for {t.Func}.");
        }
    }
}
