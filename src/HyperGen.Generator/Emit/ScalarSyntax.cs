using System;
using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Emit;

/// <summary>
/// How the CPU and GPU kernel emitters spell scalar C#: operators, comparisons and constants, parenthesized by
/// precedence (1 additive, 2 multiplicative, 3 unary, 4 primary), so that both emit the same arithmetic.
/// Floating-point addition and multiplication are not associative, so the printed text must keep the tree's
/// grouping exactly: C# operators associate to the left, and a right operand of the same precedence as its
/// operator is parenthesized (<c>a * (b * c)</c> stays as written; only <c>(a * b) * c</c> prints without).
/// </summary>
internal static class ScalarSyntax
{
    /// <summary>
    /// The expression of an arithmetic node (add, subtract, multiply, divide, negate) from its rendered operands,
    /// <paramref name="operand"/>(index, precedence the operand needs); null for any other operation.
    /// </summary>
    public static string? Arithmetic(Op op, Func<int, int, string> operand, int parentPrecedence) => op switch
    {
        Op.Add => Wrap($"{operand(0, 1)} + {operand(1, 2)}", 1, parentPrecedence),
        Op.Sub => Wrap($"{operand(0, 1)} - {operand(1, 2)}", 1, parentPrecedence),
        Op.Mul => Wrap($"{operand(0, 2)} * {operand(1, 3)}", 2, parentPrecedence),
        Op.Div => Wrap($"{operand(0, 2)} / {operand(1, 3)}", 2, parentPrecedence),
        Op.Neg => Wrap($"-{operand(0, 3)}", 3, parentPrecedence),
        _ => null,
    };

    /// <summary>A literal of <paramref name="p"/>, parenthesized when negative inside a larger expression.</summary>
    public static string Constant(Precision p, double value, int parentPrecedence)
    {
        string literal = p.Literal(value);
        return literal[0] == '-' && parentPrecedence > 0 ? $"({literal})" : literal;
    }

    /// <summary>The C# operator of a comparison.</summary>
    public static string Comparison(Cmp cmp) => cmp switch
    {
        Cmp.Lt => "<",
        Cmp.Le => "<=",
        Cmp.Gt => ">",
        Cmp.Ge => ">=",
        Cmp.Eq => "==",
        _ => "!=",
    };

    /// <summary><paramref name="text"/>, in parentheses when its precedence is below its parent's.</summary>
    public static string Wrap(string text, int precedence, int parentPrecedence) =>
        precedence < parentPrecedence ? $"({text})" : text;
}
