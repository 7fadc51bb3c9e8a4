using HyperGen.Generator.Ir;

namespace HyperGen.Generator.Emit;

/// <summary>
/// How one vector API spells what the kernels need. The generated kernels run a <c>Vector512&lt;T&gt;</c> loop
/// where the machine has 512-bit vectors (the runtime keeps <c>Vector&lt;T&gt;</c> at 256 bits even there), then a
/// <c>Vector&lt;T&gt;</c> loop, then a scalar loop for what is left.
/// </summary>
internal sealed class VectorFlavor
{
    /// <summary><c>System.Numerics.Vector&lt;T&gt;</c>: the width the runtime picks, on every platform.</summary>
    public static readonly VectorFlavor Sized = new("global::System.Numerics.Vector", isSized: true);

    /// <summary><c>System.Runtime.Intrinsics.Vector512&lt;T&gt;</c>: AVX-512, where the runtime says it pays.</summary>
    public static readonly VectorFlavor Wide = new("global::System.Runtime.Intrinsics.Vector512", isSized: false);

    private readonly bool _isSized;

    private VectorFlavor(string staticClass, bool isSized)
    {
        Class = staticClass;
        _isSized = isSized;
    }

    /// <summary>The static class with the vector operations, fully qualified.</summary>
    public string Class { get; }

    /// <summary>The vector type of <paramref name="p"/>'s element type.</summary>
    public string Type(Precision p) => $"{Class}<{p.Type}>";

    /// <summary>A vector with every lane <paramref name="scalar"/>.</summary>
    public string Splat(Precision p, string scalar) => _isSized ? $"new {Type(p)}({scalar})" : $"{Class}.Create({scalar})";

    /// <summary>This API's method for a primitive that has a vector form.</summary>
    public string MethodOf(Primitive primitive) => (_isSized ? primitive.VectorMethodName : primitive.Vector512MethodName)!;

    /// <summary>A call of operation <paramref name="method"/>, which both APIs name alike.</summary>
    public string Call(string method, string arguments) => $"{Class}.{method}({arguments})";
}
