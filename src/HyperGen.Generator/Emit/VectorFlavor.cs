using HyperGen.Generator.Ir;
using HyperGen.Generator.Model;

namespace HyperGen.Generator.Emit;

/// <summary>
/// How one vector API spells what the kernels need, through the file's aliases. The generated kernels run a
/// <c>Vector512&lt;T&gt;</c> loop where the machine has 512-bit vectors (the runtime keeps <c>Vector&lt;T&gt;</c>
/// at 256 bits even there), then a <c>Vector&lt;T&gt;</c> loop, then a scalar loop for what is left.
/// </summary>
internal sealed class VectorFlavor
{
    private readonly bool _isSized;
    private readonly string _singleType;
    private readonly string _doubleType;

    private VectorFlavor(string staticClass, string singleType, string doubleType, bool isSized)
    {
        Class = staticClass;
        _singleType = singleType;
        _doubleType = doubleType;
        _isSized = isSized;
    }

    /// <summary><c>System.Numerics.Vector&lt;T&gt;</c>: the width the runtime picks, on every platform.</summary>
    public static VectorFlavor Sized(CodeAliases aliases) => new(aliases.Vector, aliases.FloatVector, aliases.DoubleVector, isSized: true);

    /// <summary><c>System.Runtime.Intrinsics.Vector512&lt;T&gt;</c>: AVX-512, where the runtime says it pays.</summary>
    public static VectorFlavor Wide(CodeAliases aliases) => new(aliases.Vector512, aliases.FloatVector512, aliases.DoubleVector512, isSized: false);

    /// <summary>The static class with the vector operations.</summary>
    public string Class { get; }

    /// <summary>The vector type of <paramref name="p"/>'s element type.</summary>
    public string Type(Precision p) => p.IsSingle ? _singleType : _doubleType;

    /// <summary>A vector with every lane <paramref name="scalar"/>.</summary>
    public string Splat(Precision p, string scalar) => _isSized ? $"new {Type(p)}({scalar})" : $"{Class}.Create({scalar})";

    /// <summary>This API's method for a primitive that has a vector form.</summary>
    public string MethodOf(Primitive primitive) => (_isSized ? primitive.VectorMethodName : primitive.Vector512MethodName)!;

    /// <summary>A call of operation <paramref name="method"/>, which both APIs name alike.</summary>
    public string Call(string method, string arguments) => $"{Class}.{method}({arguments})";
}
