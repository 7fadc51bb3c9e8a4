using System;

// Compiled into the generator too (HYPERGEN_GENERATOR, internal there): HG0009 states the same domain rules.
namespace HyperGen;

/// <summary>Maps hyperparameters between the user's domain and the raw reals the upper levels learn.</summary>
#if HYPERGEN_GENERATOR
internal
#else
public
#endif
static class HyperDomains
{
    /// <summary>Whether <paramref name="value"/> lies in <paramref name="domain"/>.</summary>
    public static bool Contains(HyperDomain domain, double value) => domain switch
    {
        HyperDomain.Real => double.IsFinite(value),
        HyperDomain.UnitInterval => value > 0 && value < 1,
        HyperDomain.Squared => double.IsFinite(value) && value >= 0,
        _ => false,
    };

    /// <summary>Describes <paramref name="domain"/> for error messages.</summary>
    public static string Describe(HyperDomain domain) => domain switch
    {
        HyperDomain.Real => "a finite real number",
        HyperDomain.UnitInterval => "strictly between 0 and 1",
        HyperDomain.Squared => "a finite number >= 0",
        _ => domain.ToString(),
    };

    /// <summary>The raw value r whose image in <paramref name="domain"/> is <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside the domain.</exception>
    public static double ToRaw(HyperDomain domain, double value)
    {
        if (!Contains(domain, value))
        {
            throw new ArgumentOutOfRangeException(
                nameof(value), value, $"The value must be {Describe(domain)} for the {domain} domain.");
        }

        return domain switch
        {
            // (tanh(r) + 1) / 2 = v  <=>  r = atanh(2v - 1) = log(v / (1 - v)) / 2, which stays accurate near 0 and 1.
            HyperDomain.UnitInterval => 0.5 * Math.Log(value / (1 - value)),
            HyperDomain.Squared => Math.Sqrt(value),
            _ => value,
        };
    }

    /// <summary>
    /// The raw value of a bound given in the user's domain, for clamping raw hyperparameters: the ends of the unit
    /// interval map to infinities, and a bound on a squared hyperparameter bounds the raw value's magnitude.
    /// </summary>
    public static double ToRawBound(HyperDomain domain, double bound) => domain switch
    {
        HyperDomain.Real => bound,
        HyperDomain.UnitInterval when bound <= 0 => double.NegativeInfinity,
        HyperDomain.UnitInterval when bound >= 1 => double.PositiveInfinity,
        HyperDomain.Squared when bound <= 0 => 0,
        HyperDomain.Squared when double.IsPositiveInfinity(bound) => double.PositiveInfinity,
        _ => ToRaw(domain, bound),
    };

    /// <summary>The value in <paramref name="domain"/> of the raw real <paramref name="raw"/>.</summary>
    public static double FromRaw(HyperDomain domain, double raw) => domain switch
    {
        HyperDomain.UnitInterval => (Math.Tanh(raw) + 1) / 2,
        HyperDomain.Squared => raw * raw,
        _ => raw,
    };
}
