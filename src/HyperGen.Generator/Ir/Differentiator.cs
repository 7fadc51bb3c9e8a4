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
    private readonly List<Derivation> _derivations = new();

    public Differentiator(TermFactory factory) => _f = factory;

    /// <summary>
    /// Every derivative taken, in the order each was completed (operands before the terms that use them), so that a
    /// naming step after differentiation can name derivatives after the terms they come from.
    /// </summary>
    public IReadOnlyList<Derivation> Derivations => _derivations;

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
        _derivations.Add(new Derivation(term, result, hyper));
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

    /// <summary>A call's rule is its primitive's (<see cref="Primitives"/>), given the operands' derivatives in order.</summary>
    private Term CallRule(Term t, int j)
    {
        var tangents = new Term[t.Args.Length];
        for (int i = 0; i < tangents.Length; i++)
        {
            tangents[i] = Derive(t.Args[i], j);
        }

        return Primitives.Get(t.Func).Derivative(_f, t, t.Args, tangents);
    }
}

/// <summary>d<paramref name="Derivative"/> = d<paramref name="Source"/>/d(raw hyperparameter <paramref name="Hyper"/>).</summary>
internal sealed record Derivation(Term Source, Term Derivative, int Hyper);
