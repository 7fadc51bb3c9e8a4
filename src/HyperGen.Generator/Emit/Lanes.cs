using System;
using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Emit;

/// <summary>
/// A back end of the <see cref="ProgramPrinter"/>: how one loop body spells a program's values, one element at a
/// time (<see cref="ScalarLanes"/>, on the CPU and on the GPU) or a vector of them (<see cref="VectorLanes"/>).
/// The arithmetic operators are the same on all of them (<see cref="ScalarSyntax"/>).
/// </summary>
internal abstract class Lanes
{
    protected Lanes(Precision precision) => Precision = precision;

    public Precision Precision { get; }

    /// <summary>Whether a value is a vector of elements.</summary>
    public abstract bool IsVector { get; }

    /// <summary>The scalar lanes of the same precision and device, for what a vector loop computes once.</summary>
    public abstract Lanes Scalar { get; }

    /// <summary>The type of one value.</summary>
    public abstract string Type { get; }

    /// <summary>The value 1, for reciprocals.</summary>
    public abstract string One { get; }

    /// <summary>A constant, parenthesized where its parent needs it.</summary>
    public abstract string Constant(double value, int parentPrecedence);

    /// <summary>A call of a primitive with the rendered arguments.</summary>
    public abstract string Call(Primitive primitive, string arguments);

    /// <summary>Every lane <paramref name="scalar"/>: the vector copy of a loop-invariant value.</summary>
    public abstract string Splat(string scalar);

    /// <summary>A per-lane choice between two values by a comparison of two others.</summary>
    public abstract string Select(Cmp cmp, string left, string right, string whenTrue, string whenFalse);
}

/// <summary>One element at a time, calling <c>MathF</c>/<c>Math</c> as <paramref name="math"/> spells it.</summary>
internal sealed class ScalarLanes : Lanes
{
    private readonly string _math;
    private readonly bool _gpu;

    /// <param name="precision">The element type.</param>
    /// <param name="math">How the file names <c>MathF</c> or <c>Math</c>.</param>
    /// <param name="gpu">Whether the code runs under ILGPU, which takes each primitive's <see cref="Primitive.GpuMethodName"/>.</param>
    public ScalarLanes(Precision precision, string math, bool gpu)
        : base(precision)
    {
        _math = math;
        _gpu = gpu;
    }

    public override bool IsVector => false;

    public override Lanes Scalar => this;

    public override string Type => Precision.Type;

    public override string One => Precision.Literal(1);

    public override string Constant(double value, int parentPrecedence) => ScalarSyntax.Constant(Precision, value, parentPrecedence);

    public override string Call(Primitive primitive, string arguments) =>
        $"{_math}.{(_gpu ? primitive.GpuMethodName : primitive.MethodName)}({arguments})";

    public override string Splat(string scalar) => scalar;

    public override string Select(Cmp cmp, string left, string right, string whenTrue, string whenFalse) =>
        $"({left} {ScalarSyntax.Comparison(cmp)} {right} ? {whenTrue} : {whenFalse})";
}

/// <summary>A vector of elements at a time, in one <see cref="VectorFlavor"/>.</summary>
internal sealed class VectorLanes : Lanes
{
    public VectorLanes(ScalarLanes scalar, VectorFlavor flavor)
        : base(scalar.Precision)
    {
        Scalar = scalar;
        Flavor = flavor;
    }

    public VectorFlavor Flavor { get; }

    public override bool IsVector => true;

    public override Lanes Scalar { get; }

    public override string Type => Flavor.Type(Precision);

    public override string One => $"{Type}.One";

    public override string Constant(double value, int parentPrecedence) => Flavor.Splat(Precision, Precision.Literal(value));

    public override string Call(Primitive primitive, string arguments) => Flavor.Call(Flavor.MethodOf(primitive), arguments);

    public override string Splat(string scalar) => Flavor.Splat(Precision, scalar);

    public override string Select(Cmp cmp, string left, string right, string whenTrue, string whenFalse)
    {
        string operands = $"{left}, {right}";
        string mask = cmp switch
        {
            Cmp.Lt => Flavor.Call("LessThan", operands),
            Cmp.Le => Flavor.Call("LessThanOrEqual", operands),
            Cmp.Gt => Flavor.Call("GreaterThan", operands),
            Cmp.Ge => Flavor.Call("GreaterThanOrEqual", operands),
            Cmp.Eq => Flavor.Call("Equals", operands),
            Cmp.Ne => Flavor.Call("OnesComplement", Flavor.Call("Equals", operands)),
            _ => throw new ArgumentOutOfRangeException(nameof(cmp)),
        };
        return Flavor.Call("ConditionalSelect", $"{mask}, {whenTrue}, {whenFalse}");
    }
}
