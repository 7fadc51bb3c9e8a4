using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Generator.Ir;

/// <summary>
/// The derivative of a call: <paramref name="call"/> is the call's own term (its value, which several rules reuse),
/// <paramref name="args"/> its operands and <paramref name="tangents"/> their derivatives, already taken in operand
/// order; the result is built with <paramref name="f"/>, the algebraic factory.
/// </summary>
internal delegate Term DerivativeRule(TermFactory f, Term call, Term[] args, Term[] tangents);

/// <summary>
/// One supported math function, everything about it side by side: how the user names it, its arity, how it folds
/// on constants, its derivative rule, and how each back end spells it.
/// </summary>
/// <param name="Func">The IR's name for it.</param>
/// <param name="MethodName">The <c>MathF</c>/<c>Math</c> method the user calls; the CPU scalar loop calls the same one.</param>
/// <param name="Arity">The number of operands.</param>
/// <param name="Evaluate">Its value on constants in double, for constant folding.</param>
/// <param name="FoldsExactly">
/// Whether the folded value is the one the user's call computes at run time: exact (Abs, Max, Min) or correctly
/// rounded in every IEEE implementation (Sqrt). The others' run-time results may differ from Math's in the last bit,
/// so the user's own calls of them are not folded.
/// </param>
/// <param name="Derivative">Its derivative rule.</param>
/// <param name="VectorMethodName">
/// The <c>System.Numerics.Vector</c> method, or null when there is none that rounds exactly as the scalar method
/// does (a step with such a call in its per-element part has no vector loop).
/// </param>
/// <param name="Vector512MethodName">The <c>Vector512</c> method, or null as for <paramref name="VectorMethodName"/>.</param>
/// <param name="GpuMethodName">
/// The <c>MathF</c>/<c>Math</c> method an ILGPU kernel calls: ILGPU maps them to device intrinsics (CUDA needs the
/// context's algorithms or LibDevice enabled, which HyperGen.Kernels does), and its CPU accelerator runs them as written.
/// </param>
internal sealed record Primitive(
    Func Func,
    string MethodName,
    int Arity,
    Func<double[], double> Evaluate,
    bool FoldsExactly,
    DerivativeRule Derivative,
    string? VectorMethodName,
    string? Vector512MethodName,
    string GpuMethodName);

/// <summary>The one table of primitives, in the manner of JAX's lax.py: each function's rules are registered together.</summary>
internal static class Primitives
{
    private static readonly Primitive[] s_all =
    {
        Exact(Func.Sqrt, "Sqrt", x => Math.Sqrt(x[0]), (f, t, a, d) => f.Div(d[0], f.Mul(f.Const(2), t)), "SquareRoot", "Sqrt"),

        // Vector.Exp, Log and Log2 round differently from MathF's in the last bit for some inputs, and a generated
        // step must compute exactly what the user's method computes, so these run per element, as MathF calls.
        Scalar(Func.Exp, "Exp", 1, x => Math.Exp(x[0]), (f, t, a, d) => f.Mul(t, d[0])),
        Scalar(Func.Log, "Log", 1, x => Math.Log(x[0]), (f, t, a, d) => f.Div(d[0], a[0])),
        Scalar(Func.Log2, "Log2", 1, x => Math.Log(x[0]) / Math.Log(2), (f, t, a, d) => f.Div(d[0], f.Mul(f.Const(Math.Log(2)), a[0]))),
        Scalar(Func.Log10, "Log10", 1, x => Math.Log10(x[0]), (f, t, a, d) => f.Div(d[0], f.Mul(f.Const(Math.Log(10)), a[0]))),
        Scalar(Func.Pow, "Pow", 2, x => Math.Pow(x[0], x[1]), PowRule),
        Scalar(Func.Tanh, "Tanh", 1, x => Math.Tanh(x[0]), (f, t, a, d) => f.Mul(f.Sub(f.One, f.Mul(t, t)), d[0])),
        Scalar(Func.Sinh, "Sinh", 1, x => Math.Sinh(x[0]), (f, t, a, d) => f.Mul(f.Call(Func.Cosh, a[0]), d[0])),
        Scalar(Func.Cosh, "Cosh", 1, x => Math.Cosh(x[0]), (f, t, a, d) => f.Mul(f.Call(Func.Sinh, a[0]), d[0])),
        Scalar(Func.Sin, "Sin", 1, x => Math.Sin(x[0]), (f, t, a, d) => f.Mul(f.Call(Func.Cos, a[0]), d[0])),
        Scalar(Func.Cos, "Cos", 1, x => Math.Cos(x[0]), (f, t, a, d) => f.Neg(f.Mul(f.Call(Func.Sin, a[0]), d[0]))),
        Scalar(Func.Atan, "Atan", 1, x => Math.Atan(x[0]), (f, t, a, d) => f.Div(d[0], f.Add(f.One, f.Mul(a[0], a[0])))),
        Exact(Func.Abs, "Abs", x => Math.Abs(x[0]), (f, t, a, d) => f.Select(Cmp.Ge, a[0], f.Zero, d[0], f.Neg(d[0])), "Abs", "Abs"),
        Exact(Func.Max, "Max", x => Math.Max(x[0], x[1]), (f, t, a, d) => f.Select(Cmp.Ge, a[0], a[1], d[0], d[1]), "Max", "Max", arity: 2),
        Exact(Func.Min, "Min", x => Math.Min(x[0], x[1]), (f, t, a, d) => f.Select(Cmp.Le, a[0], a[1], d[0], d[1]), "Min", "Min", arity: 2),
        Scalar(
            Func.Cbrt,
            "Cbrt",
            1,
            x => x[0] < 0 ? -Math.Pow(-x[0], 1.0 / 3) : Math.Pow(x[0], 1.0 / 3),
            (f, t, a, d) => f.Div(d[0], f.Mul(f.Const(3), f.Mul(t, t)))),
    };

    private static readonly Dictionary<string, Primitive> s_byMethodName = s_all.ToDictionary(p => p.MethodName, StringComparer.Ordinal);

    private static readonly Dictionary<Func, Primitive> s_byFunc = s_all.ToDictionary(p => p.Func);

    /// <summary>The method names, for diagnostics.</summary>
    public static string SupportedNames => string.Join(", ", s_byMethodName.Keys.OrderBy(n => n, StringComparer.Ordinal));

    public static bool TryGet(string methodName, out Primitive primitive) => s_byMethodName.TryGetValue(methodName, out primitive!);

    public static Primitive Get(Func func) => s_byFunc[func];

    /// <summary>d(x^y) = y x^(y-1) dx + x^y ln(x) dy; the second term vanishes for a constant exponent.</summary>
    private static Term PowRule(TermFactory f, Term t, Term[] a, Term[] d)
    {
        Term viaBase = f.Mul(f.Mul(a[1], f.Call(Func.Pow, a[0], f.Sub(a[1], f.One))), d[0]);
        Term viaExponent = f.Mul(f.Mul(t, f.Call(Func.Log, a[0])), d[1]);
        return f.Add(viaBase, viaExponent);
    }

    /// <summary>A function with no exact vector form: it runs as the scalar method, on every back end.</summary>
    private static Primitive Scalar(Func func, string name, int arity, Func<double[], double> evaluate, DerivativeRule derivative) =>
        new(func, name, arity, evaluate, FoldsExactly: false, derivative, VectorMethodName: null, Vector512MethodName: null, GpuMethodName: name);

    /// <summary>A function whose value is exact or correctly rounded, with a vector form that rounds alike.</summary>
    private static Primitive Exact(
        Func func, string name, Func<double[], double> evaluate, DerivativeRule derivative, string vector, string vector512, int arity = 1) =>
        new(func, name, arity, evaluate, FoldsExactly: true, derivative, vector, vector512, GpuMethodName: name);
}
