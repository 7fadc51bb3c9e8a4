using System;
using System.Collections.Generic;
using System.Linq;

namespace HyperGen.Generator.Ir;

/// <summary>
/// The one table of supported math functions: the MathF/Math method each comes from, its arity, how it is written
/// for Vector&lt;T&gt; (null when it has no vector form that rounds exactly as the scalar method does) and how it is evaluated when folding constants. Derivative
/// rules live in <see cref="Differentiator"/>, keyed by the same <see cref="Func"/>.
/// </summary>
internal static class FunctionTable
{
    private static readonly Dictionary<string, FunctionInfo> s_byMethodName = new[]
    {
        new FunctionInfo(Func.Sqrt, "Sqrt", 1, "SquareRoot"),
        // Vector.Exp, Log and Log2 round differently from MathF's in the last bit for some inputs, and a generated
        // step must compute exactly what the user's method computes, so these run per element, as MathF calls.
        new FunctionInfo(Func.Exp, "Exp", 1, null),
        new FunctionInfo(Func.Log, "Log", 1, null),
        new FunctionInfo(Func.Log2, "Log2", 1, null),
        new FunctionInfo(Func.Log10, "Log10", 1, null),
        new FunctionInfo(Func.Pow, "Pow", 2, null),
        new FunctionInfo(Func.Tanh, "Tanh", 1, null),
        new FunctionInfo(Func.Sinh, "Sinh", 1, null),
        new FunctionInfo(Func.Cosh, "Cosh", 1, null),
        new FunctionInfo(Func.Sin, "Sin", 1, null),
        new FunctionInfo(Func.Cos, "Cos", 1, null),
        new FunctionInfo(Func.Atan, "Atan", 1, null),
        new FunctionInfo(Func.Abs, "Abs", 1, "Abs"),
        new FunctionInfo(Func.Max, "Max", 2, "Max"),
        new FunctionInfo(Func.Min, "Min", 2, "Min"),
        new FunctionInfo(Func.Cbrt, "Cbrt", 1, null),
    }.ToDictionary(f => f.MethodName, StringComparer.Ordinal);

    private static readonly Dictionary<Func, FunctionInfo> s_byFunc = s_byMethodName.Values.ToDictionary(f => f.Func);

    /// <summary>The method names, for diagnostics.</summary>
    public static string SupportedNames => string.Join(", ", s_byMethodName.Keys.OrderBy(n => n, StringComparer.Ordinal));

    public static bool TryGet(string methodName, out FunctionInfo info) => s_byMethodName.TryGetValue(methodName, out info!);

    public static FunctionInfo Get(Func func) => s_byFunc[func];

    public static double Evaluate(Func func, double[] x) => func switch
    {
        Func.Sqrt => Math.Sqrt(x[0]),
        Func.Exp => Math.Exp(x[0]),
        Func.Log => Math.Log(x[0]),
        Func.Log2 => Math.Log(x[0]) / Math.Log(2),
        Func.Log10 => Math.Log10(x[0]),
        Func.Pow => Math.Pow(x[0], x[1]),
        Func.Tanh => Math.Tanh(x[0]),
        Func.Sinh => Math.Sinh(x[0]),
        Func.Cosh => Math.Cosh(x[0]),
        Func.Sin => Math.Sin(x[0]),
        Func.Cos => Math.Cos(x[0]),
        Func.Atan => Math.Atan(x[0]),
        Func.Abs => Math.Abs(x[0]),
        Func.Max => Math.Max(x[0], x[1]),
        Func.Min => Math.Min(x[0], x[1]),
        Func.Cbrt => x[0] < 0 ? -Math.Pow(-x[0], 1.0 / 3) : Math.Pow(x[0], 1.0 / 3),
        _ => double.NaN,
    };
}

/// <summary>One supported function.</summary>
internal sealed record FunctionInfo(Func Func, string MethodName, int Arity, string? VectorMethodName);
