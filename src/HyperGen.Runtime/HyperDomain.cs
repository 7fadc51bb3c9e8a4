// Compiled into the generator too (HYPERGEN_GENERATOR, internal there): the generator reads a Domain argument as this
// enum and emits its member names.
namespace HyperGen;

/// <summary>The values a hyperparameter may take, and therefore how it is learned.</summary>
#if HYPERGEN_GENERATOR
internal
#else
public
#endif
enum HyperDomain
{
    /// <summary>Any real number; learned as it is.</summary>
    Real = 0,

    /// <summary>The open interval (0, 1); learned as a raw real r with <c>h = (tanh(r) + 1) / 2</c>.</summary>
    UnitInterval = 1,

    /// <summary>Non-negative numbers; learned as a raw real r with <c>h = r * r</c>.</summary>
    Squared = 2,
}
