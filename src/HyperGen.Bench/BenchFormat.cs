using System.Globalization;
using System.Numerics;

namespace HyperGen.Bench;

/// <summary>How the bench writes numbers for people (the JSON keeps full precision).</summary>
internal static class BenchFormat
{
    /// <summary>Powers of two from 2^10 up as <c>2^k</c>, other sizes in digits.</summary>
    public static string Size(int n) =>
        n >= 1024 && BitOperations.IsPow2(n)
            ? "2^" + BitOperations.Log2((uint)n).ToString(CultureInfo.InvariantCulture)
            : n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Milliseconds with three significant digits, at most four decimals.</summary>
    public static string Milliseconds(double value) => value switch
    {
        >= 100 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("F2", CultureInfo.InvariantCulture),
        >= 0.1 => value.ToString("F3", CultureInfo.InvariantCulture),
        _ => value.ToString("F4", CultureInfo.InvariantCulture),
    };

    public static string Fixed(double value, int decimals) =>
        value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Like <see cref="Fixed"/>, with a plus sign on values that are not negative.</summary>
    public static string Signed(double value, int decimals) => (value >= 0 ? "+" : "") + Fixed(value, decimals);

    public static string Percent(double fraction) => (fraction * 100).ToString("F0", CultureInfo.InvariantCulture) + " %";
}
