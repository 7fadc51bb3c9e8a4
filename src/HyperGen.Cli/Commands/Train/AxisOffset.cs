using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HyperGen.Cli.Commands.Train;

/// <summary>
/// How a plot panel's y axis shows its values: as they are, or, when they move by a tiny fraction of their size (Adam's
/// beta2 moving by 1e-6 around 0.999), as <c>(value - Offset) / Scale</c> with a round offset near the data, so that
/// the tick labels read -1, 0, 1 rather than 0.998999998, 0.999, 0.999000002 (labels that long ran into the axis title).
/// </summary>
/// <param name="Offset">Subtracted from every value; 0 when the values are shown as they are.</param>
/// <param name="Exponent">The scale is 10^Exponent; 0 when the values are shown as they are.</param>
internal readonly record struct AxisOffset(double Offset, int Exponent)
{
    /// <summary>
    /// How many times their spread the values may be before the labels need an offset: at 1,000 the labels need about
    /// four significant digits (0.1234 to 0.1236), which still fit beside the axis title.
    /// </summary>
    private const double MaxMagnitudePerSpread = 1e3;

    /// <summary>The values as they are.</summary>
    public static AxisOffset None => default;

    /// <summary>Whether the values are shown as they are.</summary>
    public bool IsNone => Offset == 0 && Exponent == 0;

    /// <summary>The axis for <paramref name="values"/> (non-finite ones ignored): an offset only where the labels would need many digits.</summary>
    public static AxisOffset Choose(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return None;
        }

        double min = finite.Min();
        double max = finite.Max();
        double spread = max - min;
        double magnitude = Math.Max(Math.Abs(min), Math.Abs(max));
        if (spread == 0 || magnitude <= spread * MaxMagnitudePerSpread)
        {
            return None;
        }

        // Shown values are (v - offset) / 10^e with 10^e <= spread: a few units. The offset is the middle rounded to
        // the next power of ten up, so it has few digits and the shown values stay within about +-10.
        int exponent = (int)Math.Floor(Math.Log10(spread));
        int offsetExponent = exponent + 1;
        double middle = (min + max) / 2;
        double offset = offsetExponent <= 0
            ? Math.Round(middle, Math.Min(-offsetExponent, 15))
            : Math.Round(middle / Math.Pow(10, offsetExponent)) * Math.Pow(10, offsetExponent);
        return new AxisOffset(offset, exponent);
    }

    /// <summary>The value as the axis shows it.</summary>
    public double Apply(double value) => IsNone ? value : (value - Offset) / Math.Pow(10, Exponent);

    /// <summary>The axis title for a quantity named <paramref name="name"/>, for example <c>(level1.beta2 − 0.999) / 1e-06</c>.</summary>
    public string Label(string name)
    {
        if (IsNone)
        {
            return name;
        }

        string scale = "1e" + Exponent.ToString(CultureInfo.InvariantCulture);
        if (Offset == 0)
        {
            return $"{name} / {scale}";
        }

        string sign = Offset > 0 ? "−" : "+";
        return $"({name} {sign} {Math.Abs(Offset).ToString("R", CultureInfo.InvariantCulture)}) / {scale}";
    }
}
