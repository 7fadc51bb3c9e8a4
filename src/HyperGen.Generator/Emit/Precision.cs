using System.Globalization;

namespace HyperGen.Generator.Emit;

/// <summary>How one precision spells its type, math class and literals.</summary>
internal sealed class Precision
{
    public static readonly Precision Single = new("float", "global::System.MathF", "Single", isSingle: true);
    public static readonly Precision Double = new("double", "global::System.Math", "Double", isSingle: false);

    private Precision(string type, string math, string name, bool isSingle)
    {
        Type = type;
        Math = math;
        Name = name;
        IsSingle = isSingle;
    }

    public string Type { get; }

    public string Math { get; }

    /// <summary>Single or Double, for type names.</summary>
    public string Name { get; }

    public bool IsSingle { get; }

    /// <summary>A literal that round-trips the constant in this precision.</summary>
    public string Literal(double value)
    {
        if (double.IsNaN(value))
        {
            return $"{Type}.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? $"{Type}.PositiveInfinity" : $"{Type}.NegativeInfinity";
        }

        if (IsSingle)
        {
            // A constant folded in double can exceed float's range; it must still be a valid float literal.
            float single = (float)value;
            if (float.IsInfinity(single))
            {
                return single > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
            }

            return single.ToString("R", CultureInfo.InvariantCulture) + "f";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }
}
