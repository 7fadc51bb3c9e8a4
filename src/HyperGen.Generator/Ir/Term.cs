using System;
using System.Globalization;

namespace HyperGen.Generator.Ir;

/// <summary>What a term computes.</summary>
internal enum Op
{
    Const,
    Weight,
    Gradient,
    State,
    Hyper,
    StepIndex,
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Call,
    Select,
}

/// <summary>The elementary functions a step may call, each with a derivative rule.</summary>
internal enum Func
{
    Sqrt,
    Exp,
    Log,
    Log2,
    Log10,
    Pow,
    Tanh,
    Sinh,
    Cosh,
    Sin,
    Cos,
    Atan,
    Abs,
    Max,
    Min,
    Cbrt,
}

/// <summary>The comparison that chooses a branch of a <see cref="Op.Select"/>.</summary>
internal enum Cmp
{
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// <summary>
/// A node of the expression IR. Terms are immutable and hash-consed by <see cref="TermFactory"/>: two structurally
/// equal terms are the same object, which is what shares common subexpressions.
/// </summary>
internal sealed class Term
{
    private static readonly Term[] s_noArgs = Array.Empty<Term>();

    internal Term(int id, Op op, double value, int index, Func func, Cmp cmp, Term[]? args)
    {
        Id = id;
        Op = op;
        Value = value;
        Index = index;
        Func = func;
        Cmp = cmp;
        Args = args ?? s_noArgs;
        IsVarying = op is Op.Weight or Op.Gradient or Op.State;
        if (op == Op.Hyper)
        {
            HyperMask = 1UL << index;
        }

        foreach (Term arg in Args)
        {
            IsVarying |= arg.IsVarying;
            HyperMask |= arg.HyperMask;
        }
    }

    /// <summary>Creation order; children always have smaller ids than parents.</summary>
    public int Id { get; }

    public Op Op { get; }

    /// <summary>The value of a <see cref="Op.Const"/>.</summary>
    public double Value { get; }

    /// <summary>The state or hyperparameter index of a <see cref="Op.State"/> or <see cref="Op.Hyper"/> leaf.</summary>
    public int Index { get; }

    public Func Func { get; }

    public Cmp Cmp { get; }

    /// <summary>Operands; for <see cref="Op.Select"/>: compared left, compared right, when true, when false.</summary>
    public Term[] Args { get; }

    /// <summary>Whether the value differs per element (depends on the weight, gradient or state).</summary>
    public bool IsVarying { get; }

    /// <summary>The raw hyperparameters the term depends on, as a bit set.</summary>
    public ulong HyperMask { get; }

    public bool IsConst(double value) => Op == Op.Const && Value.Equals(value);

    public override string ToString() => Op switch
    {
        Op.Const => Value.ToString("R", CultureInfo.InvariantCulture),
        Op.State or Op.Hyper => $"{Op}{Index}",
        Op.Call => $"{Func}({string.Join(", ", (object[])Args)})",
        Op.Select => $"({Args[0]} {Cmp} {Args[1]} ? {Args[2]} : {Args[3]})",
        Op.Neg => $"-({Args[0]})",
        _ when Args.Length == 2 => $"({Args[0]} {Op} {Args[1]})",
        _ => Op.ToString(),
    };
}
