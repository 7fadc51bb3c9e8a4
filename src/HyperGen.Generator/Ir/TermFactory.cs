using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Generator.Ir;

/// <summary>
/// Creates terms, folding constants and applying algebraic identities as it goes, and interns them so that equal
/// expressions are built once (common subexpression sharing).
/// </summary>
internal sealed class TermFactory
{
    private readonly Dictionary<(Op Op, long Value, int Index, Func Func, Cmp Cmp, string Args), Term> _interned = new();
    private readonly List<Term> _all = new();

    public Term Zero => Const(0);

    public Term One => Const(1);

    public IReadOnlyList<Term> All => _all;

    public Term Const(double value) => Intern(Op.Const, value == 0 ? 0 : value, 0, default, default, null);

    public Term Leaf(Op op, int index = 0) => Intern(op, 0, index, default, default, null);

    public Term Add(Term a, Term b)
    {
        if (a.Op == Op.Const && b.Op == Op.Const)
        {
            return Const(a.Value + b.Value);
        }

        if (a.IsConst(0))
        {
            return b;
        }

        if (b.IsConst(0))
        {
            return a;
        }

        if (b.Op == Op.Neg)
        {
            return Sub(a, b.Args[0]);
        }

        if (a.Op == Op.Neg)
        {
            return Sub(b, a.Args[0]);
        }

        if (a == b)
        {
            return Mul(Const(2), a);
        }

        return Commutative(Op.Add, a, b);
    }

    public Term Sub(Term a, Term b)
    {
        if (a.Op == Op.Const && b.Op == Op.Const)
        {
            return Const(a.Value - b.Value);
        }

        if (b.IsConst(0))
        {
            return a;
        }

        if (a.IsConst(0))
        {
            return Neg(b);
        }

        if (a == b)
        {
            return Zero;
        }

        if (b.Op == Op.Neg)
        {
            return Add(a, b.Args[0]);
        }

        return Intern(Op.Sub, 0, 0, default, default, new[] { a, b });
    }

    public Term Mul(Term a, Term b)
    {
        if (a.Op == Op.Const && b.Op == Op.Const)
        {
            return Const(a.Value * b.Value);
        }

        // x * 0 = 0 as in every automatic differentiation system: a zero tangent stays zero.
        if (a.IsConst(0) || b.IsConst(0))
        {
            return Zero;
        }

        if (a.IsConst(1))
        {
            return b;
        }

        if (b.IsConst(1))
        {
            return a;
        }

        if (a.IsConst(-1))
        {
            return Neg(b);
        }

        if (b.IsConst(-1))
        {
            return Neg(a);
        }

        if (a.Op == Op.Neg && b.Op == Op.Neg)
        {
            return Mul(a.Args[0], b.Args[0]);
        }

        if (a.Op == Op.Neg)
        {
            return Neg(Mul(a.Args[0], b));
        }

        if (b.Op == Op.Neg)
        {
            return Neg(Mul(a, b.Args[0]));
        }

        return Commutative(Op.Mul, a, b);
    }

    public Term Div(Term a, Term b)
    {
        if (a.Op == Op.Const && b.Op == Op.Const && b.Value != 0)
        {
            return Const(a.Value / b.Value);
        }

        if (a.IsConst(0))
        {
            return Zero;
        }

        if (b.IsConst(1))
        {
            return a;
        }

        if (a.Op == Op.Neg)
        {
            return Neg(Div(a.Args[0], b));
        }

        return Intern(Op.Div, 0, 0, default, default, new[] { a, b });
    }

    public Term Neg(Term a)
    {
        if (a.Op == Op.Const)
        {
            return Const(-a.Value);
        }

        if (a.Op == Op.Neg)
        {
            return a.Args[0];
        }

        if (a.Op == Op.Sub)
        {
            return Sub(a.Args[1], a.Args[0]);
        }

        return Intern(Op.Neg, 0, 0, default, default, new[] { a });
    }

    public Term Call(Func func, params Term[] args)
    {
        if (args.All(a => a.Op == Op.Const))
        {
            double folded = FunctionTable.Evaluate(func, args.Select(a => a.Value).ToArray());
            if (!double.IsNaN(folded) && !double.IsInfinity(folded))
            {
                return Const(folded);
            }
        }

        if (func == Func.Pow && args[1].Op == Op.Const)
        {
            double exponent = args[1].Value;
            if (exponent == 0)
            {
                return One;
            }

            if (exponent == 1)
            {
                return args[0];
            }

            if (exponent == 2)
            {
                return Mul(args[0], args[0]);
            }

            if (exponent == 0.5)
            {
                return Call(Func.Sqrt, args[0]);
            }
        }

        if ((func == Func.Max || func == Func.Min) && args[0] == args[1])
        {
            return args[0];
        }

        if (func is Func.Max or Func.Min)
        {
            return Commutative(Op.Call, args[0], args[1], func);
        }

        return Intern(Op.Call, 0, 0, func, default, args);
    }

    public Term Select(Cmp cmp, Term left, Term right, Term whenTrue, Term whenFalse)
    {
        if (whenTrue == whenFalse)
        {
            return whenTrue;
        }

        if (left.Op == Op.Const && right.Op == Op.Const)
        {
            return Compare(cmp, left.Value, right.Value) ? whenTrue : whenFalse;
        }

        return Intern(Op.Select, 0, 0, default, cmp, new[] { left, right, whenTrue, whenFalse });
    }

    public static bool Compare(Cmp cmp, double left, double right) => cmp switch
    {
        Cmp.Lt => left < right,
        Cmp.Le => left <= right,
        Cmp.Gt => left > right,
        Cmp.Ge => left >= right,
        Cmp.Eq => left == right,
        _ => left != right,
    };

    /// <summary>Orders the operands of a commutative operation so that a*b and b*a are one term; constants first.</summary>
    private Term Commutative(Op op, Term a, Term b, Func func = default)
    {
        bool swap = b.Op == Op.Const ? a.Op != Op.Const : a.Op != Op.Const && a.Id > b.Id;
        return swap
            ? Intern(op, 0, 0, func, default, new[] { b, a })
            : Intern(op, 0, 0, func, default, new[] { a, b });
    }

    private Term Intern(Op op, double value, int index, Func func, Cmp cmp, Term[]? args)
    {
        string argKey = args is null ? "" : string.Join(",", args.Select(a => a.Id));
        var key = (op, BitConverter.DoubleToInt64Bits(value), index, func, cmp, argKey);
        if (!_interned.TryGetValue(key, out Term? term))
        {
            term = new Term(_all.Count, op, value, index, func, cmp, args);
            _interned.Add(key, term);
            _all.Add(term);
        }

        return term;
    }
}
