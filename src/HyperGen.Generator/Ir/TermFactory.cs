using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Generator.Ir;

/// <summary>
/// Creates terms, folding constants and applying identities as it goes, and interns them so that equal expressions
/// are built once (common subexpression sharing). Two factories share one table of terms: the user's arithmetic is
/// built by a <see cref="ForUserArithmetic">value-preserving</see> one, whose rewrites give the same IEEE result as
/// the user's own expression for every input (so the generated step equals the user's method bit for bit), and the
/// derivatives by its <see cref="Algebraic"/> twin, which also applies identities that hold in real arithmetic only
/// (x * 0 = 0, x + 0 = x, 0 - x = -x, pow(x, 2) = x * x): a zero tangent must vanish, and a derivative is compared
/// with its exact value to rounding, never bit for bit.
/// </summary>
internal sealed class TermFactory
{
    private readonly Dictionary<(Op Op, long Value, int Index, Func Func, Cmp Cmp, string Args), Term> _interned;
    private readonly List<Term> _all;

    /// <summary>Whether only rewrites that keep every IEEE result (signed zeros and infinities included) apply.</summary>
    private readonly bool _preservesValues;

    /// <summary>Whether the user wrote the step in float, so that its constants fold only where float and double agree.</summary>
    private readonly bool _single;

    private TermFactory(
        Dictionary<(Op, long, int, Func, Cmp, string), Term> interned, List<Term> all, bool preservesValues, bool single)
    {
        _interned = interned;
        _all = all;
        _preservesValues = preservesValues;
        _single = single;
    }

    /// <summary>
    /// A factory for the user's step, written in float (<paramref name="single"/>) or double: every rewrite it applies
    /// computes exactly what the expression as written computes.
    /// </summary>
    public static TermFactory ForUserArithmetic(bool single) => new(new(), new(), preservesValues: true, single);

    /// <summary>The factory for derivatives, over the same terms: it also applies identities of real arithmetic.</summary>
    public TermFactory Algebraic => new(_interned, _all, preservesValues: false, _single);

    public Term Zero => Const(0);

    public Term One => Const(1);

    public IReadOnlyList<Term> All => _all;

    /// <summary>
    /// A constant. The value-preserving factory keeps the sign of zero (the user's -0f is not 0f); the algebraic one
    /// makes every zero one term.
    /// </summary>
    public Term Const(double value) => Intern(Op.Const, value == 0 && !_preservesValues ? 0 : value, 0, default, default, null);

    /// <summary>
    /// Folds an operation on constants, given its result in double and in float (operands and result rounded to
    /// float, which for +, -, *, / and square root is the correctly rounded float result: double carries more than
    /// twice float's 24 bits). A float step's one term serves its float kernel, which must compute what the user's
    /// float arithmetic computes, and its double twin, which computes the same expression in double; so the
    /// value-preserving factory folds there only where both results are the same number, and otherwise keeps the
    /// operation, which each kernel then evaluates in its own precision (once, as a loop invariant).
    /// </summary>
    private bool TryFold(double inDouble, double inSingle, out Term folded)
    {
        if (!_single || !_preservesValues
            || BitConverter.DoubleToInt64Bits(inDouble) == BitConverter.DoubleToInt64Bits(inSingle))
        {
            folded = Const(inDouble);
            return true;
        }

        folded = null!;
        return false;
    }

    private static double Single(Term constant) => (float)constant.Value;

    public Term Leaf(Op op, int index = 0) => Intern(op, 0, index, default, default, null);

    public Term Add(Term a, Term b)
    {
        if (a.Op == Op.Const && b.Op == Op.Const
            && TryFold(a.Value + b.Value, (float)(Single(a) + Single(b)), out Term sum))
        {
            return sum;
        }

        // Not value-preserving: -0 + 0 is +0.
        if (!_preservesValues && a.IsConst(0))
        {
            return b;
        }

        if (!_preservesValues && b.IsConst(0))
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
        if (a.Op == Op.Const && b.Op == Op.Const
            && TryFold(a.Value - b.Value, (float)(Single(a) - Single(b)), out Term difference))
        {
            return difference;
        }

        // x - 0 is x for every x, -0 included; x - (-0) is not (-0 - (-0) is +0).
        if (b.IsConst(0) && !IsNegativeZero(b))
        {
            return a;
        }

        // Not value-preserving: 0 - 0 is +0 where -0 is -0, and x - x is NaN for an infinite x.
        if (!_preservesValues && a.IsConst(0))
        {
            return Neg(b);
        }

        if (!_preservesValues && a == b)
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
        if (a.Op == Op.Const && b.Op == Op.Const
            && TryFold(a.Value * b.Value, (float)(Single(a) * Single(b)), out Term product))
        {
            return product;
        }

        // x * 0 = 0 as in every automatic differentiation system: a zero tangent stays zero. Not value-preserving
        // (-1 * 0 is -0, and infinity * 0 is NaN), so the user's own products by zero stay.
        if (!_preservesValues && (a.IsConst(0) || b.IsConst(0)))
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
        if (a.Op == Op.Const && b.Op == Op.Const && b.Value != 0
            && TryFold(a.Value / b.Value, (float)(Single(a) / Single(b)), out Term quotient))
        {
            return quotient;
        }

        // Not value-preserving: 0 / -1 is -0, and 0 / 0 is NaN.
        if (!_preservesValues && a.IsConst(0))
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

        // Not value-preserving: -(x - x) is -0 where x - x is +0.
        if (!_preservesValues && a.Op == Op.Sub)
        {
            return Sub(a.Args[1], a.Args[0]);
        }

        return Intern(Op.Neg, 0, 0, default, default, new[] { a });
    }

    public Term Call(Func func, params Term[] args)
    {
        Primitive primitive = Primitives.Get(func);
        if (args.All(a => a.Op == Op.Const) && (!_preservesValues || primitive.FoldsExactly))
        {
            double value = primitive.Evaluate(args.Select(a => a.Value).ToArray());
            double inSingle = (float)primitive.Evaluate(args.Select(Single).ToArray());
            if (!double.IsNaN(value) && !double.IsInfinity(value) && TryFold(value, inSingle, out Term folded))
            {
                return folded;
            }
        }

        // pow(x, 0) = 1 and pow(x, 1) = x for every x; pow(x, 2) and pow(x, 0.5) are x * x and sqrt(x) only in real
        // arithmetic: a pow that is not correctly rounded, or pow(-0, 0.5) = +0 against sqrt(-0) = -0, tells them apart.
        if (func == Func.Pow && args[1].Op == Op.Const && _preservesValues)
        {
            if (args[1].Value == 0)
            {
                return One;
            }

            if (args[1].Value == 1)
            {
                return args[0];
            }
        }
        else if (func == Func.Pow && args[1].Op == Op.Const)
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

    private static bool IsNegativeZero(Term constant) => BitConverter.DoubleToInt64Bits(constant.Value) == long.MinValue;

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
