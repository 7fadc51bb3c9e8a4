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

            return RoundTrip(single) + "f";
        }

        string text = RoundTrip(value);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    // The generator also runs in compilers hosted on .NET Framework, whose "R" writes -0 as "0" and, for some doubles,
    // text that does not read back as the same value: check, and fall back to the digits that always round-trip.
    private static string RoundTrip(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        text = SameBits(double.Parse(text, CultureInfo.InvariantCulture), value) ? text : value.ToString("G17", CultureInfo.InvariantCulture);
        return IsNegativeZero(value) && text[0] != '-' ? "-" + text : text;
    }

    private static string RoundTrip(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        text = SameBits(float.Parse(text, CultureInfo.InvariantCulture), value) ? text : value.ToString("G9", CultureInfo.InvariantCulture);
        return IsNegativeZero(value) && text[0] != '-' ? "-" + text : text;
    }

    private static bool SameBits(double a, double b) => System.BitConverter.DoubleToInt64Bits(a) == System.BitConverter.DoubleToInt64Bits(b);

    private static bool SameBits(float a, float b) => SameBits((double)a, (double)b);

    private static bool IsNegativeZero(double value) => value == 0 && System.BitConverter.DoubleToInt64Bits(value) != 0;
}
